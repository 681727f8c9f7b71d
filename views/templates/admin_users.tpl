{{%AUTOESCAPE context="HTML"}}
<article class="admin">
<h1>Accounts</h1>
<p><a href="/_admin/mail">Mail to admins</a> · <a href="/_admin/cache">Cache statistics</a></p>
{{#MAIL_UNCONFIGURED}}<p class="notice mail-unconfigured" role="status">Mail is not configured: no mail server was named (<code>--smtp-url</code>), so mail to admins goes to <code>smtp://127.0.0.1:25</code>, where there may be none. <a href="/_admin/mail">See the mail</a>.</p>{{/MAIL_UNCONFIGURED}}
<div class="table-scroll" role="region" aria-label="Accounts" tabindex="0">
<table class="users">
<thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Joined</th><th>State</th><th>Actions</th></tr></thead>
<tbody>
{{#USER}}
<tr>
<td><a href="{{PROFILE_URL}}">{{NAME}}</a></td>
<td class="long-text">{{EMAIL}}</td>
<td>{{ROLE}}</td>
<td>{{JOINED}}</td>
<td>{{#DISABLED}}disabled{{/DISABLED}}{{#ENABLED}}active{{/ENABLED}}</td>
<td>
{{#ACTIONS}}
<form method="post" action="{{ACTION_URL}}" class="inline">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
{{#PROMOTE}}<button type="submit" name="action" value="promote">Make admin</button>{{/PROMOTE}}
{{#DEMOTE}}<button type="submit" name="action" value="demote">Make user</button>{{/DEMOTE}}
{{#DISABLE}}<button type="submit" name="action" value="disable">Disable</button>{{/DISABLE}}
{{#ENABLE}}<button type="submit" name="action" value="enable">Enable</button>{{/ENABLE}}
</form>
{{/ACTIONS}}
{{#SELF}}(you){{/SELF}}
</td>
</tr>
{{/USER}}
</tbody>
</table>
</div>
<nav class="pagination" aria-label="More">
{{#FIRST}}<a href="/_admin/users">First accounts</a>{{/FIRST}}
{{#NEXT}}<a rel="next" href="{{URL}}">Next accounts</a>{{/NEXT}}
</nav>
</article>
