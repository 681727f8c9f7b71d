{{%AUTOESCAPE context="HTML"}}
<article class="admin">
<h1>Mail to admins</h1>
<p><a href="/_admin/users">Accounts</a> · <a href="/_admin/cache">Cache statistics</a></p>
{{#MAIL_UNCONFIGURED}}<p class="notice mail-unconfigured" role="status">Mail is not configured: no mail server was named, so wikid tries <code>smtp://127.0.0.1:25</code>. Start wikid with <code>--smtp-url</code> (and <code>--smtp-user</code>, with <code>smtp-password</code> in its <code>--config</code> file, if the server wants a login; <code>scripts/run</code> takes <code>--smtp-url</code> and <code>--config</code> too). A message that cannot be delivered is tried <code>--mail-max-attempts</code> times (8 by default), with doubling delays, and is then marked failed below, where it can be retried.</p>{{/MAIL_UNCONFIGURED}}
{{#EMPTY}}<p>No mail has been queued yet.</p>{{/EMPTY}}
<div class="table-scroll" role="region" aria-label="Messages" tabindex="0">
<table class="mail">
<thead><tr><th>#</th><th>Queued</th><th>To</th><th>Subject</th><th>State</th><th>Attempts</th><th>Last error</th><th><span class="visually-hidden">Retry</span></th></tr></thead>
<tbody>
{{#MESSAGE}}
<tr>
<td>{{ID}}</td>
<td>{{CREATED}}</td>
<td class="long-text">{{TO}}</td>
<td class="long-text">{{SUBJECT}}</td>
<td class="mail-{{STATE}}">{{STATE}}{{#SENT}} {{SENT_AT}}{{/SENT}}{{#QUEUED}}, next try {{NEXT_AT}}{{/QUEUED}}</td>
<td>{{ATTEMPTS}}</td>
<td class="long-text">{{LAST_ERROR}}</td>
<td>{{#FAILED}}<form method="post" action="{{RETRY_URL}}" class="inline">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<button type="submit">Retry</button>
</form>{{/FAILED}}</td>
</tr>
{{/MESSAGE}}
</tbody>
</table>
</div>
<nav class="pagination" aria-label="More">
{{#NEWEST}}<a href="/_admin/mail">Newest mail</a>{{/NEWEST}}
{{#OLDER}}<a rel="next" href="{{URL}}">Older mail</a>{{/OLDER}}
</nav>
</article>
