/**
 * The storefront tracker served at /tracker.js (plain ES5, no dependencies, well under 3 KB
 * gzipped). Embed: `<script async src="https://<console>/tracker.js" data-key="yyw_…"></script>`.
 *
 * - Visitor id: first-party, in localStorage (cookie `yy_vid` when storage is blocked), kept a year.
 * - Session id: sessionStorage. The session's entry referrer and UTM tags are taken when the
 *   session starts (or when the page arrives from another site / with new UTM tags) and sent with
 *   every event, so a visitor browsing five pages after a search counts for "search", not for the
 *   shop's own pages (the collector classifies each event by these fields).
 * - page_view is sent on load; `window.yunying.track(type, {productId, skuId})` sends product_view,
 *   favorite, add_to_cart, begin_checkout. A product_view is held until the page is hidden (or the
 *   next product_view) and sent with the measured dwell time, so each detail-page visit is one event
 *   carrying its dwell.
 * - Events are batched (up to 50 or 2 s) and posted as JSON; when the page is hidden the rest goes
 *   out with navigator.sendBeacon as text/plain JSON (no CORS preflight).
 */
export const TRACKER_JS = `(function(w,d){"use strict";
var s=d.currentScript||d.querySelector("script[data-key]");if(!s||w.yunying&&w.yunying.v)return;
var K=s.getAttribute("data-key"),E=s.getAttribute("data-endpoint")||s.src.replace(/\\/tracker\\.js.*$/,"")+"/api/v1/collect";
var L=w.localStorage,S=w.sessionStorage,q=[],t=null,pv=null;
function id(){var a="",c="0123456789abcdefghijklmnopqrstuvwxyz",i;for(i=0;i<20;i++)a+=c.charAt(Math.floor(Math.random()*36));return a+Date.now().toString(36)}
function get(st,k){try{return st.getItem(k)}catch(e){return null}}
function set(st,k,v){try{st.setItem(k,v);return true}catch(e){return false}}
function ck(k){var m=d.cookie.match(new RegExp("(?:^|; )"+k+"=([^;]*)"));return m?m[1]:null}
var vid=get(L,"yy_vid")||ck("yy_vid");if(!vid)vid=id();
if(!set(L,"yy_vid",vid))d.cookie="yy_vid="+vid+";path=/;max-age=31536000;SameSite=Lax";
var sid=get(S,"yy_sid");if(!sid){sid=id();set(S,"yy_sid",sid)}
var loc=w.location,qs=loc.search,ut={},has=0,ks=["source","medium","campaign","term","content"],i,m;
for(i=0;i<ks.length;i++){m=qs.match(new RegExp("[?&]utm_"+ks[i]+"=([^&#]*)"));if(m){try{ut[ks[i]]=decodeURIComponent(m[1].replace(/\\+/g," "))}catch(e){ut[ks[i]]=m[1]}has=1}}
var ref=d.referrer||"",ext=ref&&ref.indexOf(loc.protocol+"//"+loc.host)!==0,at=null;
try{at=JSON.parse(get(S,"yy_at")||"null")}catch(e){}
if(!at||has||ext){at={r:ext?ref:(at&&!has?at.r:""),u:has?ut:{}};set(S,"yy_at",JSON.stringify(at))}
function ev(type,o){o=o||{};var e={type:type,at:Date.now(),visitorId:vid,sessionId:sid,url:(loc.pathname+loc.search).slice(0,500),referrer:at.r.slice(0,500),utm:at.u};
if(o.productId)e.productId=String(o.productId);if(o.skuId)e.skuId=String(o.skuId);if(o.dwellMs)e.dwellMs=o.dwellMs;return e}
function body(b){return JSON.stringify({key:K,events:b})}
function send(beacon){if(t){clearTimeout(t);t=null}
while(q.length){var b=q.splice(0,50);
if(beacon&&w.navigator.sendBeacon&&w.navigator.sendBeacon(E,new Blob([body(b)],{type:"text/plain"})))continue;
if(w.fetch)w.fetch(E,{method:"POST",headers:{"Content-Type":"application/json"},body:body(b),keepalive:!!beacon,credentials:"omit"})["catch"](function(){});}}
function push(e){q.push(e);if(q.length>=50)send();else if(!t)t=setTimeout(send,2000)}
function endPv(){if(pv){pv.e.dwellMs=Math.max(0,Date.now()-pv.t);push(pv.e);pv=null}}
function track(type,o){if(type==="product_view"){endPv();pv={e:ev(type,o),t:Date.now()};return}push(ev(type,o))}
function hide(){endPv();send(true)}
w.addEventListener("pagehide",hide);
d.addEventListener("visibilitychange",function(){if(d.visibilityState==="hidden")hide()});
var pre=w.yunying&&w.yunying.q||[];
w.yunying={v:1,track:track,flush:function(){send()},visitorId:vid};
push(ev("page_view"));for(i=0;i<pre.length;i++)track(pre[i][0],pre[i][1]);
})(window,document);
`;
