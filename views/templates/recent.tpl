{{%AUTOESCAPE context="HTML"}}
<article class="recent">
<h1>Recent changes</h1>
<p>{{PAGE_COUNT}} pages, {{REVISION_COUNT}} revisions in all; newest first.</p>
{{>CHANGE_LIST}}
<nav class="pagination">
{{#NEWEST}}<a href="/_recent">Newest changes</a>{{/NEWEST}}
{{#OLDER}}<a rel="next" href="{{URL}}">Older changes</a>{{/OLDER}}
</nav>
</article>
