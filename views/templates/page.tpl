{{%AUTOESCAPE context="HTML"}}
<article class="page">
{{#OLD_REVISION}}
<p class="notice old-revision">You are viewing an old revision of this page: revision {{REV}} of {{LATEST_REV}}, saved {{TIME}} by {{#BY_ACCOUNT}}<a href="{{AUTHOR_URL}}">{{AUTHOR}}</a>{{/BY_ACCOUNT}}{{#BY_ADDRESS}}{{AUTHOR}}{{/BY_ADDRESS}}. <a href="{{PAGE_URL}}">Go to the current revision</a>, <a href="{{DIFF_CURRENT_URL}}">compare it with this one</a> or <a href="{{RESTORE_URL}}">restore this one</a>.</p>
{{/OLD_REVISION}}
{{#REDIRECTED_FROM}}
<p class="notice redirected" role="status">Redirected from <a href="{{FROM_URL}}">{{FROM}}</a>.</p>
{{/REDIRECTED_FROM}}
{{#IS_REDIRECT}}
<p class="notice redirect">This page is a redirect: readers who come to it are sent on to <a href="{{TARGET_URL}}">{{TARGET}}</a>. Edit it to change where it leads, or to make it a page again.</p>
{{/IS_REDIRECT}}
{{#MERGED}}
<p class="notice merged" role="status">Someone else saved this page while you were editing it. Your changes did not overlap theirs, so both were kept: your edit was saved as revision {{MERGED_REV}}. <a href="{{MERGED_DIFF_URL}}">See what your edit changed</a>.</p>
{{/MERGED}}
<div class="page-header">
<h1>{{TITLE}}</h1>
{{#PROTECTED}}<p class="protected">Protected: only admins may edit this page.</p>{{/PROTECTED}}
<nav class="page-actions" aria-label="Page">
{{#CAN_EDIT}}<a href="{{EDIT_URL}}">Edit</a>{{/CAN_EDIT}}
<a href="{{HISTORY_URL}}">History</a>
{{#CAN_EDIT}}<a href="{{MOVE_URL}}">Move</a>{{/CAN_EDIT}}
<a href="{{LINKS_URL}}">What links here</a>
</nav>
{{#ADMIN_ACTIONS}}
<form method="post" action="{{PROTECT_URL}}" class="inline">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
{{#CAN_PROTECT}}<button type="submit" name="protect" value="1">Protect</button>{{/CAN_PROTECT}}
{{#CAN_UNPROTECT}}<button type="submit" name="protect" value="0">Unprotect</button>{{/CAN_UNPROTECT}}
</form>
<a href="{{DELETE_URL}}">Delete</a>
{{/ADMIN_ACTIONS}}
{{#WATCH}}
<form method="post" action="{{WATCH_URL}}" class="inline watch">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<input type="hidden" name="back" value="{{WATCH_BACK}}">
{{#NOT_WATCHING}}<button type="submit" name="watch" value="1">Watch</button>{{/NOT_WATCHING}}
{{#WATCHING}}<button type="submit" name="watch" value="0">Unwatch</button>{{/WATCHING}}
</form>
{{/WATCH}}
</div>
<div class="content">
{{! BODY_HTML comes from our Markdown renderer, which drops raw HTML and unsafe URLs and builds wiki links as AST nodes; escaping it again would show the markup as text. }}
{{BODY_HTML:none}}
</div>
<p class="page-meta">Revision {{REV}}, saved {{TIME}} by {{#BY_ACCOUNT}}<a href="{{AUTHOR_URL}}">{{AUTHOR}}</a>{{/BY_ACCOUNT}}{{#BY_ADDRESS}}{{AUTHOR}}{{/BY_ADDRESS}}. <a href="{{RAW_URL}}">Source</a></p>
{{#FRONT}}
<section class="recent">
<h2>Recent changes</h2>
{{! CHANGE_LIST_HTML is changes.tpl, auto-escaped when it was expanded, kept rendered in the cache (model/cache/recent_cache.h); escaping it again would show the markup as text. }}
{{CHANGE_LIST_HTML:none}}
<p>{{PAGE_COUNT}} pages, {{REVISION_COUNT}} revisions. <a href="/_recent">All recent changes</a></p>
</section>
{{/FRONT}}
</article>
