{{%AUTOESCAPE context="HTML"}}
<article class="recent">
<h1>Recent changes</h1>
<p>{{PAGE_COUNT}} pages, {{REVISION_COUNT}} revisions in all; newest first. <a class="feed" href="/_recent.atom" type="application/atom+xml">Atom feed</a> of these changes, for a feed reader.</p>
{{! CHANGE_LIST_HTML is changes.tpl, auto-escaped when it was expanded, kept rendered in the cache (model/cache/recent_cache.h); escaping it again would show the markup as text. }}
{{CHANGE_LIST_HTML:none}}
<nav class="pagination" aria-label="More">
{{#NEWEST}}<a href="/_recent">Newest changes</a>{{/NEWEST}}
{{#OLDER}}<a rel="next" href="{{URL}}">Older changes</a>{{/OLDER}}
</nav>
</article>
