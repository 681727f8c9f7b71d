{{%AUTOESCAPE context="HTML"}}
<article class="file-page">
<h1>File: {{NAME}}</h1>
{{#DELETED}}<div class="notice deleted">
<p>Deleted by <a href="{{BY_URL}}">{{BY}}</a> on {{TIME}}{{#REASON}}: {{TEXT}}{{/REASON}}{{#NO_REASON}} (no reason given){{/NO_REASON}}. Only admins see this file now: everyone else is told that it is gone, on its page and at its addresses.</p>
<form method="post" action="{{UNDELETE_URL}}">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<button type="submit">Undelete {{NAME}}</button>
</form>
</div>{{/DELETED}}
{{#PROTECTED}}<p class="protected">Protected: only admins may upload new revisions of this file.</p>{{/PROTECTED}}
{{#ADMIN_ACTIONS}}<nav class="page-actions" aria-label="File">
<form method="post" action="{{PROTECT_URL}}" class="inline">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
{{#CAN_PROTECT}}<button type="submit" name="protect" value="1">Protect</button>{{/CAN_PROTECT}}
{{#CAN_UNPROTECT}}<button type="submit" name="protect" value="0">Unprotect</button>{{/CAN_UNPROTECT}}
</form>
<a href="{{DELETE_URL}}">Delete</a>
</nav>{{/ADMIN_ACTIONS}}
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
