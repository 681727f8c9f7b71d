{{%AUTOESCAPE context="HTML"}}
<article class="notice-page">
<h1>{{TITLE}}</h1>
<p role="status">{{MESSAGE}}</p>
</article>
