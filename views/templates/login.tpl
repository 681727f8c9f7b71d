{{%AUTOESCAPE context="HTML"}}
<article class="account-form">
<h1>Log in</h1>
{{#ERROR}}<p class="error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
<form method="post" action="/_login">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<input type="hidden" name="next" value="{{NEXT}}">
<label for="field.name">User name</label>
<input type="text" id="field.name" name="name" value="{{NAME}}" required maxlength="64" autocomplete="username" autofocus>
<label for="field.password">Password</label>
<input type="password" id="field.password" name="password" required maxlength="1024" autocomplete="current-password">
<div class="actions"><button type="submit">Log in</button>{{#SIGNUP}} <a href="{{SIGNUP_URL}}">Sign up</a>{{/SIGNUP}}</div>
</form>
</article>
