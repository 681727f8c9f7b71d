{{%AUTOESCAPE context="HTML"}}
<article class="recent watchlist">
<h1>Your watchlist</h1>
<p>Changes to the pages you watch, newest first. Watch a page with the Watch button on it.</p>
{{#CAPPED}}<p class="notice">You watch more than {{MAX}} pages: this list shows the changes of the {{MAX}} of them changed most recently.</p>{{/CAPPED}}
{{! CHANGE_LIST_HTML is changes.tpl, auto-escaped when it was expanded (RenderRecentWindow); escaping it again would show the markup as text. }}
{{CHANGE_LIST_HTML:none}}
<nav class="pagination">
{{#NEWEST}}<a href="/_watchlist">Newest changes</a>{{/NEWEST}}
{{#OLDER}}<a rel="next" href="{{URL}}">Older changes</a>{{/OLDER}}
</nav>
</article>
