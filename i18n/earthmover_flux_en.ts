<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>@default</name>
    <message>
        <location filename="../ui/dock.py" line="46"/>
        <source>Make the {type} service &apos;{name}&apos; of the organization &apos;{org}&apos; public?

Anyone on the internet will then be able to read, without any key, the data of EVERY repository of &apos;{org}&apos; through this service, not only the repository selected here.

This is what &apos;al compute enable {org} {type} --is-public&apos; does. You can delete the service later to close it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="337"/>
        <source>Earthmover Flux</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="71"/>
        <source>Organization and API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="75"/>
        <source>organization name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="79"/>
        <source>Arraylake API key (kept in the QGIS auth database)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="84"/>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="86"/>
        <source>Test connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="35"/>
        <source>Organization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="94"/>
        <source>API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="97"/>
        <source>Or use a saved configuration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="100"/>
        <source>Advanced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="107"/>
        <source>Compute URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="108"/>
        <source>API URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="111"/>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="115"/>
        <source>or paste a Flux URL and press Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="118"/>
        <source>Flux URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="120"/>
        <source>Refresh lists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="128"/>
        <source>List variables</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="130"/>
        <source>Protocol</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="131"/>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="36"/>
        <source>Repository</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="133"/>
        <source>Ref (branch, tag, commit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="134"/>
        <source>Group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="136"/>
        <source>Variable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="148"/>
        <source>Style</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="152"/>
        <source>Value range from the data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="157"/>
        <source>Colormap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="159"/>
        <source>Minimum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="160"/>
        <source>Maximum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="168"/>
        <source>Add layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="170"/>
        <source>Make service public…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="172"/>
        <source>Send credentials (uncheck for a public service)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="180"/>
        <source>Copy as…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="183"/>
        <source>Service URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="183"/>
        <source>curl command</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="183"/>
        <source>Python requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="183"/>
        <source>Mapbox transformRequest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="198"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="275"/>
        <source>Make an API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="345"/>
        <source>Still busy: wait for the current step or press Cancel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="379"/>
        <source>Enter the API key of &apos;{org}&apos; and press Save: the project&apos;s layers are re-linked to it then.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="391"/>
        <source>Credentials for &apos;{org}&apos; saved in the QGIS authentication database ({cfg}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="418"/>
        <source>No credentials for this organization yet: enter the API key and press Save.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="440"/>
        <source>Connected to &apos;{org}&apos;: {n} repositories, {s} services.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="443"/>
        <source>Testing the connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="497"/>
        <source>{n} variables found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="500"/>
        <source>Listing variables</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="609"/>
        <source>Added {name}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="611"/>
        <source>Adding the layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="622"/>
        <source>The service &apos;{name}&apos; is already public.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="628"/>
        <source>Make the service public?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="631"/>
        <source>Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="649"/>
        <source>The {type} service &apos;{name}&apos; is now public: anyone can read every repository of &apos;{org}&apos; through it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="653"/>
        <source>Creating a public service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="679"/>
        <source>The URL held credentials: the key was moved into the QGIS authentication database ({cfg}) and removed from the URL. Nothing else keeps it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="683"/>
        <source>Fields filled from the URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="698"/>
        <source>Copied to the clipboard (with YOUR_API_KEY in place of the key).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="37"/>
        <source>Ref (branch, tag or commit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="38"/>
        <source>Group path (empty: root)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="39"/>
        <source>Service (deployment) name (empty: edr)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="41"/>
        <source>Parameter names, comma-separated (empty: all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="43"/>
        <source>Start time, ISO 8601 (empty: first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="45"/>
        <source>End time, ISO 8601 (empty: last)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="48"/>
        <source>Credentials (Basic: org + API key; empty: the org&apos;s saved ones)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="38"/>
        <source>Type the point as &apos;longitude, latitude&apos;, for example &apos;10, 20&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="40"/>
        <source>The point {lon:g}, {lat:g} is outside longitude -180..180 / latitude -90..90.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="90"/>
        <source>EDR queries (values at points and areas)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="97"/>
        <source>parameter names, comma separated (empty: all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="100"/>
        <source>start, e.g. 2024-01-02 (empty: from the first step)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="103"/>
        <source>end (empty: to the last step)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="104"/>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="105"/>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="106"/>
        <source>To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="110"/>
        <source>longitude, latitude</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="111"/>
        <source>Pick on map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="113"/>
        <source>Query point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="119"/>
        <source>Point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="124"/>
        <source>Query its points / polygon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="126"/>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="129"/>
        <source>Draw a polygon (right click ends)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="131"/>
        <source>Query drawn polygon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="141"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="142"/>
        <source>Keep in (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="159"/>
        <source>Click a point on the map.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="171"/>
        <source>Click the polygon&apos;s corners on the map; right click to close it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="176"/>
        <source>Polygon drawn: press &apos;Query drawn polygon&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="203"/>
        <source>Added {name}: {n} values.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="219"/>
        <source>EDR query at a point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="219"/>
        <source>EDR at {lon:g}, {lat:g}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="224"/>
        <source>Choose a point or polygon layer first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="230"/>
        <source>The layer has no polygon.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="245"/>
        <source>The layer has no points.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="253"/>
        <source>EDR query for {n} points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="253"/>
        <source>EDR at the points of {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="258"/>
        <source>Draw a polygon first, or choose a polygon layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="267"/>
        <source>EDR area query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="267"/>
        <source>EDR area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="74"/>
        <source>Unexpected error: {e}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="88"/>
        <source>Earthmover Flux: your organizations&apos; services, repositories and datasets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="100"/>
        <source>Organization {org} (credentials: {cfg})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="126"/>
        <source>public</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="126"/>
        <source>private</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="132"/>
        <source>{type} service {name}: {access}, {status}
{url}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="166"/>
        <source>Branches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="167"/>
        <source>Tags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="203"/>
        <source>(root group)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="220"/>
        <source>DAP2 lists no variables here: use the dock&apos;s DAP2 subset.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="272"/>
        <source>This organization has no WMS or tiles service to show {v} on a map: enable one first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="279"/>
        <source>This organization has no {p} service: enable one first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="322"/>
        <source>Adding {v}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="379"/>
        <source>New Earthmover Flux connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="376"/>
        <source>Organization name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="379"/>
        <source>Arraylake API key for &apos;{org}&apos; (kept in the QGIS authentication database only):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="426"/>
        <source>Delete the {type} service &apos;{name}&apos; of &apos;{org}&apos;?

Every layer, script and web page that uses it stops working. This is what &apos;al compute disable {org} {name}&apos; does.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="429"/>
        <source>Delete the service?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="469"/>
        <source>New Connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="473"/>
        <source>Add as WMS Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="473"/>
        <source>Add as Tiles Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="478"/>
        <source>Copy as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="488"/>
        <source>Make Public…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="491"/>
        <source>Delete Service…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_qgis/browser.py" line="494"/>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="497"/>
        <source>1 variable found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="523"/>
        <source>Forecast start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="523"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="530"/>
        <source>{axis}: type a date-time; the nearest step is shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="561"/>
        <source>The time {text!r} is not an ISO 8601 date-time (the data has {axis}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="58"/>
        <source>Other dimensions, name=value separated by &apos;;&apos; (for example step=3 hours;level=850; empty: every value)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AddLayerAlgorithm</name>
    <message>
        <location filename="../flux_processing/add_layer.py" line="46"/>
        <source>Add Flux layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="49"/>
        <source>Adds an Earthmover Flux WMS or tiles layer for one variable of an Arraylake repository. The layer source references the authentication configuration by id: the API key is never written into it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="54"/>
        <source>Organization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="55"/>
        <source>Repository</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="56"/>
        <source>Ref (branch, tag or commit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="57"/>
        <source>Group path (empty: root)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="59"/>
        <source>Protocol</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="61"/>
        <source>Service (deployment) name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="63"/>
        <source>Variable (empty: the first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="65"/>
        <source>Credentials (Basic: org + API key)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="67"/>
        <source>Colormap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="69"/>
        <source>Minimum value (empty: from the data)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="69"/>
        <source>Maximum value (empty: from the data)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="73"/>
        <source>Time step (empty: the first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="76"/>
        <source>Add the layer to the project and save the project file (for qgis_process --PROJECT_PATH=...)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="79"/>
        <source>Flux layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="103"/>
        <source>Layer source: {src}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="117"/>
        <source>SAVE_PROJECT needs a project file: run with --PROJECT_PATH=... (qgis_process) or save the project first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="124"/>
        <source>Could not save the project {path}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/add_layer.py" line="125"/>
        <source>Added to {path} and saved.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EdrAreaAlgorithm</name>
    <message>
        <location filename="../flux_processing/edr_area.py" line="43"/>
        <source>Flux EDR values in an area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_area.py" line="46"/>
        <source>Asks an Earthmover Flux EDR service for the values at the grid points inside each polygon of the input layer (one request per polygon; the polygon&apos;s attributes are kept) or inside an extent. The output has one point feature (EPSG:4326, on the grid point) per grid point and time step, with grid_lon, grid_lat, a time field (UTC) and one number field per parameter. Very detailed polygons must be simplified first (a request URL holds at most 8000 bytes).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_area.py" line="54"/>
        <source>Polygons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_area.py" line="56"/>
        <source>Or an extent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_area.py" line="58"/>
        <source>EDR values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_area.py" line="75"/>
        <source>Polygon {fid} cannot be transformed to EPSG:4326.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_area.py" line="79"/>
        <source>The polygon layer has no polygons.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_area.py" line="82"/>
        <source>Give a polygon layer or an extent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_area.py" line="85"/>
        <source>The extent is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_area.py" line="100"/>
        <source>Cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_area.py" line="127"/>
        <source>No grid point lies inside the polygons: the output is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_area.py" line="128"/>
        <source>{n} rows</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EdrSamplePointsAlgorithm</name>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="120"/>
        <source>Sample Flux EDR values at points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="123"/>
        <source>Asks an Earthmover Flux EDR service for the values of the chosen parameters at every point of the input layer (any CRS; multipoints are sampled at their first point), for each time step in the time range. Points are sent in MULTIPOINT batches (about 300 per request), not one request per point. The output has one feature per point and time step, with the input&apos;s attributes, the grid cell the server answered for (grid_lon, grid_lat), a time field (UTC) and one number field per parameter. Cancel stops between requests.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="132"/>
        <source>Points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="135"/>
        <source>EDR values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="141"/>
        <source>The input point layer could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="154"/>
        <source>Feature {fid} cannot be transformed to EPSG:4326.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="159"/>
        <source>The input layer has no points.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="160"/>
        <source>{n} points, {b} requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="167"/>
        <source>Cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="186"/>
        <source>{rows} rows from {req} requests</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FluxPlugin</name>
    <message>
        <location filename="../plugin.py" line="99"/>
        <source>Earthmover Flux</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="41"/>
        <source>Add Earthmover Flux data (WMS, tiles, EDR, DAP2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="74"/>
        <source>{n} Earthmover Flux layer(s) use credentials that are not on this computer (organization: {orgs}). Re-link them to your own credentials for the same organization?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="79"/>
        <source>Re-link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="99"/>
        <source>{n} layer(s) re-linked to your credentials.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
