{{%AUTOESCAPE context="HTML"}}
<article class="history">
<h1>History of <a href="{{PAGE_URL}}">{{TITLE}}</a></h1>
<p>{{LATEST_REV}} revisions, newest first.</p>
<table class="revisions">
<thead><tr><th>Revision</th><th>Time</th><th>Author</th><th>Size</th><th>Change</th><th>Summary</th></tr></thead>
<tbody>
{{#REVISION}}
<tr>
<td><a href="{{REV_URL}}">{{REV}}</a>{{#RESTORABLE}} <a class="restore" href="{{RESTORE_URL}}">restore</a>{{/RESTORABLE}}</td>
<td>{{TIME}}</td>
<td>{{#BY_ACCOUNT}}<a href="{{AUTHOR_URL}}">{{AUTHOR}}</a>{{/BY_ACCOUNT}}{{#BY_ADDRESS}}{{AUTHOR}}{{/BY_ADDRESS}}</td>
<td>{{SIZE}} bytes</td>
<td class="change {{CHANGE_CLASS}}">{{CHANGE}}</td>
<td>{{SUMMARY}}</td>
</tr>
{{/REVISION}}
</tbody>
</table>
<nav class="pagination">
{{#NEWER}}<a rel="prev" href="{{URL}}">Newer revisions</a>{{/NEWER}}
{{#OLDER}}<a rel="next" href="{{URL}}">Older revisions</a>{{/OLDER}}
</nav>
</article>
