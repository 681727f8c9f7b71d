{{%AUTOESCAPE context="HTML"}}
<article class="file-page">
<h1>File: {{NAME}}</h1>
{{#OLD}}<p class="notice">This is revision {{REV}}, an old one. <a href="{{PAGE_URL}}">See the current revision {{LATEST_REV}}</a>.</p>{{/OLD}}
{{#IMAGE}}<p class="file-image"><a href="{{BYTES_URL}}"><img src="{{BYTES_URL}}" alt="{{ALT}}" width="{{WIDTH}}" height="{{HEIGHT}}"></a></p>{{/IMAGE}}
{{#DOWNLOAD}}<p class="file-download"><a href="{{DOWNLOAD_URL}}">Download {{NAME}}</a></p>{{/DOWNLOAD}}
<p class="file-about">Revision {{REV}}: {{CONTENT_TYPE}}{{#DIMENSIONS}}, {{WIDTH}} × {{HEIGHT}} pixels{{/DIMENSIONS}}, {{SIZE}}. <a href="{{LATEST_URL}}">Latest revision's address</a>; this revision's, for ever: <a href="{{BYTES_URL}}">{{BYTES_URL}}</a>. SHA-256: <code>{{SHA256}}</code>.</p>
<h2>Where it is used</h2>
{{#USED_BY}}<ul class="used-by">
{{#PAGE}}<li><a href="{{URL}}">{{TITLE}}</a></li>
{{/PAGE}}</ul>
{{#MORE}}<p>And more pages: only the first {{SHOWN}} are listed.</p>{{/MORE}}{{/USED_BY}}
{{#NOT_USED}}<p>No page shows this file. Write <code>[[File:{{NAME}}]]</code> in a page to show it there.</p>{{/NOT_USED}}
<h2>Revisions</h2>
<div class="table-scroll" role="region" aria-label="Revisions" tabindex="0">
<table class="revisions">
<thead><tr><th scope="col">Revision</th><th scope="col">Time</th><th scope="col">Author</th><th scope="col">What</th><th scope="col">Summary</th><th scope="col"><span class="visually-hidden">Restore</span></th></tr></thead>
<tbody>
{{#REVISION}}
<tr{{#SHOWN}} class="shown"{{/SHOWN}}>
<td><a href="{{REV_URL}}">{{REV}}</a></td>
<td>{{TIME}}</td>
<td>{{#BY_ACCOUNT}}<a href="{{AUTHOR_URL}}">{{AUTHOR}}</a>{{/BY_ACCOUNT}}{{#BY_ADDRESS}}{{AUTHOR}}{{/BY_ADDRESS}}</td>
<td>{{CONTENT_TYPE}}{{#DIMENSIONS}}, {{WIDTH}} × {{HEIGHT}}{{/DIMENSIONS}}, {{SIZE}}</td>
<td>{{SUMMARY}}</td>
<td>{{#RESTORABLE}}<form method="post" action="{{RESTORE_URL}}" class="restore">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<input type="hidden" name="rev" value="{{REV}}">
<input type="hidden" name="base_rev" value="{{BASE_REV}}">
<button type="submit">Restore revision {{REV}}</button>
</form>{{/RESTORABLE}}</td>
</tr>
{{/REVISION}}
</tbody>
</table>
</div>
<nav class="pagination" aria-label="More">
{{#OLDER}}<a rel="next" href="{{URL}}">Older revisions</a>{{/OLDER}}
</nav>
{{>UPLOAD_FORM}}
</article>
