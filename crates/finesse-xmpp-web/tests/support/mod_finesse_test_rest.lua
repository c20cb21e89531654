-- A test-only Prosody module for scripts/wasm-xmpp-test.sh: the one Finesse REST request the
-- browser test of finesse-xmpp-web makes (see tests/browser.rs), so that Prosody plays the
-- part the simulator plays in CI.
--
--   PUT /finesse/api/User/<id>        Authorization: Basic <id:password>   requestId: <id>
--   <User><state>LOGIN</state>…</User>
--
-- checks the credentials against Prosody's accounts, answers 202 as Finesse does, and
-- publishes what a Finesse server would publish on the user's node: an <Update> carrying the
-- request's requestId, escaped into <notification xmlns='http://jabber.org/protocol/pubsub'/>,
-- on /finesse/api/User/<id> of the pubsub component (creating the node if needed).
-- CORS allows Authorization and requestId, so the test page (another origin) may call it.
-- Never load this on a real server.

local st = require "util.stanza";
local xml = require "util.xml";
local base64 = require "util.encodings".base64;
local usermanager = require "core.usermanager";
local uuid = require "util.uuid".generate;

local pubsub_host = module:get_option_string("finesse_test_pubsub_host", "pubsub." .. module.host);

local function escape(s)
	return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"));
end

local function handle_put_user(event, id)
	local request, response = event.request, event.response;
	local credentials = (request.headers.authorization or ""):match("^Basic%s+(.+)$");
	local user, password = (credentials and base64.decode(credentials) or ""):match("^([^:]*):(.*)$");
	if not user or user ~= id or not usermanager.test_password(user, module.host, password) then
		response.headers.www_authenticate = 'Basic realm="finesse"';
		return 401;
	end
	local body = request.body and xml.parse(request.body);
	local state = body and body.name == "User" and body:get_child_text("state");
	if not state then
		return 400;
	end
	local host = prosody.hosts[pubsub_host];
	local pubsub = host and host.modules.pubsub;
	local service = pubsub and (pubsub.get_service and pubsub.get_service() or pubsub.service);
	if not service then
		return 503;
	end
	local node = "/finesse/api/User/" .. id;
	local update = "<Update><data><user><loginId>" .. escape(id) .. "</loginId><state>"
		.. escape(state) .. "</state></user></data><event>PUT</event><requestId>"
		.. escape(request.headers.requestid or "") .. "</requestId><source>" .. escape(node)
		.. "</source></Update>";
	local item_id = uuid();
	local item = st.stanza("item", { xmlns = "http://jabber.org/protocol/pubsub", id = item_id })
		:tag("notification", { xmlns = "http://jabber.org/protocol/pubsub" }):text(update);
	local ok, err = service:publish(node, true, item_id, item);
	if not ok then
		response.status_code = 500;
		return "not published: " .. tostring(err);
	end
	return 202;
end

module:depends("http");
module:provides("http", {
	name = "finesse_test_rest";
	default_path = "/finesse/api/User";
	cors = {
		enabled = true;
		headers = { Authorization = true; ["Content-Type"] = true; requestId = true };
	};
	route = {
		["PUT /*"] = handle_put_user;
	};
});
