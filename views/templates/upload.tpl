{{%AUTOESCAPE context="HTML"}}
<section class="upload">
<h2>{{#NAME_TYPED}}Upload a file{{/NAME_TYPED}}{{#NAME_FIXED}}Upload a new revision{{/NAME_FIXED}}</h2>
{{#ERROR}}<p class="error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
{{! multipart/form-data: the one encoding that sends a file. The token and the text fields come before the file, so a form too large to keep whole still brings them back (fcgi/worker.cc). }}
<form method="post" action="/_upload" enctype="multipart/form-data" class="upload-form">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<input type="hidden" name="base_rev" value="{{BASE_REV}}">
{{#NAME_TYPED}}
<label for="field.name">Name (with its extension, like Team photo.jpg)</label>
<input type="text" id="field.name" name="name" value="{{NAME}}" required>
{{/NAME_TYPED}}
{{#NAME_FIXED}}<input type="hidden" name="name" value="{{NAME}}">{{/NAME_FIXED}}
<label for="field.summary">Summary</label>
<input type="text" id="field.summary" name="summary" value="{{SUMMARY}}" maxlength="{{MAX_SUMMARY}}">
<label for="field.file">File (at most {{MAX_SIZE}}; images: PNG, JPEG, GIF or WebP)</label>
<input type="file" id="field.file" name="file" required>
<div class="actions"><button type="submit">Upload</button></div>
</form>
</section>
