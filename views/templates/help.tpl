{{%AUTOESCAPE context="HTML"}}
<article class="page help">
<div class="page-header">
<h1>Editing help</h1>
</div>
<div class="content">
{{! BODY_HTML comes from our Markdown renderer (help.md, shipped with wikid), which drops raw HTML and unsafe URLs; escaping it again would show the markup as text. }}
{{BODY_HTML:none}}
</div>
</article>
