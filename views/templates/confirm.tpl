{{%AUTOESCAPE context="HTML"}}
<article class="confirm">
<h1>{{QUESTION}}</h1>
<p>{{EXPLANATION}}</p>
{{! The same POST again with confirm=yes and this page's token: no JavaScript needed. }}
<form method="post" action="{{ACTION_URL}}">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
{{#FIELD}}<input type="hidden" name="{{NAME}}" value="{{VALUE}}">
{{/FIELD}}<input type="hidden" name="confirm" value="yes">
<div class="actions"><button type="submit">{{BUTTON}}</button> <a href="{{CANCEL_URL}}">Cancel</a></div>
</form>
</article>
