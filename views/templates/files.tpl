{{%AUTOESCAPE context="HTML"}}
<article class="files">
<h1>All files</h1>
<p class="intro"><a href="/_upload">Upload a file</a>.</p>
{{#EMPTY}}<p>There are no files yet.</p>{{/EMPTY}}
<ul class="page-list">
{{#FILE}}<li><a href="{{URL}}">{{NAME}}</a> <span class="revs">({{CONTENT_TYPE}}{{#DIMENSIONS}}, {{WIDTH}} × {{HEIGHT}}{{/DIMENSIONS}}, {{SIZE}}; {{LATEST_REV}} revisions)</span></li>
{{/FILE}}
</ul>
<nav class="pagination" aria-label="More">
{{#FIRST}}<a href="/_files">First page</a>{{/FIRST}}
{{#NEXT}}<a rel="next" href="{{URL}}">Next files</a>{{/NEXT}}
</nav>
</article>
