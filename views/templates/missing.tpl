{{%AUTOESCAPE context="HTML"}}
<article class="page missing">
<h1>{{TITLE}}</h1>
<p class="notice">{{MESSAGE}}</p>
<p><a class="button" href="{{EDIT_URL}}">Create this page</a></p>
</article>
