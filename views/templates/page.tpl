{{%AUTOESCAPE context="HTML"}}
<article class="page">
{{#OLD_REVISION}}
<p class="notice old-revision">You are viewing an old revision of this page: revision {{REV}} of {{LATEST_REV}}, saved {{TIME}} by {{AUTHOR}}. <a href="{{PAGE_URL}}">Go to the current revision</a>.</p>
{{/OLD_REVISION}}
<div class="page-header">
<h1>{{TITLE}}</h1>
<nav class="page-actions">
<a href="{{EDIT_URL}}">Edit</a>
<a href="{{HISTORY_URL}}">History</a>
</nav>
</div>
<div class="content">
{{! BODY_HTML comes from our Markdown renderer, which drops raw HTML and unsafe URLs and builds wiki links as AST nodes; escaping it again would show the markup as text. }}
{{BODY_HTML:none}}
</div>
<p class="page-meta">Revision {{REV}}, saved {{TIME}} by {{AUTHOR}}.</p>
{{#FRONT}}
<section class="recent">
<h2>Recent changes</h2>
{{>RECENT_LIST}}
<p>{{PAGE_COUNT}} pages, {{REVISION_COUNT}} revisions. <a href="/_recent">All recent changes</a></p>
</section>
{{/FRONT}}
</article>
