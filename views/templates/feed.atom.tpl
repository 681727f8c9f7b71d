{{%AUTOESCAPE context="XML"}}
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>{{FEED_ID}}</id>
<title>{{FEED_TITLE}}</title>
<updated>{{UPDATED}}</updated>
<link rel="self" type="application/atom+xml" href="{{SELF_URL}}"/>
<link rel="alternate" type="text/html" href="{{HTML_URL}}"/>
<author><name>{{SITE_NAME}}</name></author>
<generator>wikid</generator>
{{#ENTRY}}
<entry>
<id>{{ID}}</id>
<title>{{TITLE}}</title>
<updated>{{UPDATED}}</updated>
<author><name>{{AUTHOR}}</name>{{#BY_ACCOUNT}}<uri>{{AUTHOR_URI}}</uri>{{/BY_ACCOUNT}}</author>
<link rel="alternate" type="text/html" href="{{DIFF_URL}}"/>
<summary>{{SUMMARY}}</summary>
</entry>
{{/ENTRY}}
</feed>
