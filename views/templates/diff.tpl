{{%AUTOESCAPE context="HTML"}}
<article class="diff-page">
<h1>Changes to <a href="{{PAGE_URL}}">{{TITLE}}</a></h1>
<div class="diff-sides">
<div class="diff-side old">
{{#OLDER}}<h2><a href="{{REV_URL}}">Revision {{REV}}</a></h2>
<p>Saved {{TIME}} by {{#BY_ACCOUNT}}<a href="{{AUTHOR_URL}}">{{AUTHOR}}</a>{{/BY_ACCOUNT}}{{#BY_ADDRESS}}{{AUTHOR}}{{/BY_ADDRESS}}</p>
{{#HAS_SUMMARY}}<p class="summary">{{SUMMARY}}</p>{{/HAS_SUMMARY}}{{/OLDER}}
{{#FROM_NOTHING}}<h2>Before the page existed</h2>{{/FROM_NOTHING}}
</div>
<div class="diff-side new">
{{#NEWER}}<h2><a href="{{REV_URL}}">Revision {{REV}}</a></h2>
<p>Saved {{TIME}} by {{#BY_ACCOUNT}}<a href="{{AUTHOR_URL}}">{{AUTHOR}}</a>{{/BY_ACCOUNT}}{{#BY_ADDRESS}}{{AUTHOR}}{{/BY_ADDRESS}}</p>
{{#HAS_SUMMARY}}<p class="summary">{{SUMMARY}}</p>{{/HAS_SUMMARY}}{{/NEWER}}
</div>
</div>
<nav class="pagination" aria-label="More">
{{#PREVIOUS_CHANGE}}<a rel="prev" href="{{URL}}">← Previous change</a>{{/PREVIOUS_CHANGE}}
<a href="{{HISTORY_URL}}">History</a>
{{#NEXT_CHANGE}}<a rel="next" href="{{URL}}">Next change →</a>{{/NEXT_CHANGE}}
</nav>
{{>DIFF_TABLE}}
</article>
