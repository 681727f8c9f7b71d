{{%AUTOESCAPE context="HTML"}}
<article class="upload-page">
<h1>Upload a file</h1>
<p class="intro">Every upload is kept: uploading a file of the same name again makes a new revision, and the old ones stay on its page. See <a href="/_files">all files</a>.</p>
{{>UPLOAD_FORM}}
</article>
