{{%AUTOESCAPE context="HTML"}}
<article class="pages">
<h1>All pages</h1>
<p class="intro">See also the <a href="/_wanted">wanted pages</a> (linked to but not written yet) and the <a href="/_orphans">orphaned pages</a> (linked from nowhere).</p>
{{#EMPTY}}<p>There are no pages yet. <a href="{{FRONT_EDIT_URL}}">Write the front page</a>.</p>{{/EMPTY}}
<ul class="page-list">
{{#PAGE}}<li><a href="{{URL}}">{{TITLE}}</a> <span class="revs">({{LATEST_REV}} revisions)</span></li>
{{/PAGE}}
</ul>
<nav class="pagination" aria-label="More">
{{#FIRST}}<a href="/_pages">First page</a>{{/FIRST}}
{{#NEXT}}<a rel="next" href="{{URL}}">Next pages</a>{{/NEXT}}
</nav>
</article>
