{{%AUTOESCAPE context="HTML"}}
<ul class="changes">
{{#CHANGE}}<li><time>{{TIME}}</time> <a href="{{PAGE_URL}}">{{TITLE}}</a> {{#EDIT}}<a class="rev" href="{{REV_URL}}">revision {{REV}}</a> (<a class="diff-link" href="{{DIFF_URL}}">diff</a>){{/EDIT}}{{#UPLOAD}}<a class="rev" href="{{REV_URL}}">file revision {{REV}}</a> <span class="log upload">uploaded</span>{{/UPLOAD}}{{#LOGGED}}<span class="log {{ACTION}}">{{ACTION}}d</span>{{/LOGGED}} by {{#BY_ACCOUNT}}<a href="{{AUTHOR_URL}}">{{AUTHOR}}</a>{{/BY_ACCOUNT}}{{#BY_ADDRESS}}{{AUTHOR}}{{/BY_ADDRESS}}{{#EDIT}} <span class="change {{CHANGE_CLASS}}">({{CHANGE}})</span>{{/EDIT}}{{#UPLOAD}} <span class="size">({{SIZE}})</span>{{/UPLOAD}}{{#HAS_SUMMARY}} <span class="summary">{{SUMMARY}}</span>{{/HAS_SUMMARY}}</li>
{{/CHANGE}}
</ul>
{{#NO_CHANGES}}<p>No changes yet.</p>{{/NO_CHANGES}}
