{{%AUTOESCAPE context="HTML"}}
<article class="account-form">
<h1>Stop watching {{TITLE}}</h1>
<p>You will get no more mail about changes to {{TITLE}}.</p>
{{! A button, not the link alone: a mail scanner that opens the link must not end the watch. }}
<form method="post" action="/_unwatch">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<input type="hidden" name="user" value="{{USER_ID}}">
<input type="hidden" name="page" value="{{PAGE_ID}}">
<input type="hidden" name="token" value="{{TOKEN}}">
<div class="actions"><button type="submit">Stop watching</button></div>
</form>
</article>
