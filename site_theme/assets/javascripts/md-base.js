// Material for MkDocs 9.8 (partials/javascripts/base.html), as a file so that the
// Content Security Policy allows no inline script. Material wrote the site's root
// into the page ("../.." from here); a file is the same on every page, so the root
// is found from this script's own address: <root>/assets/javascripts/md-base.js.
__md_scope=new URL("../../",document.currentScript.src),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}};
