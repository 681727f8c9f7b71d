{{%AUTOESCAPE context="HTML"}}
<article class="error-page">
<h1>{{HEADING}}</h1>
<p class="error">{{MESSAGE}}</p>
<p><a href="/">Go to the front page</a></p>
</article>
