<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>@default</name>
    <message>
        <location filename="../ui/dock.py" line="53"/>
        <source>Make the {type} service &apos;{name}&apos; of the organization &apos;{org}&apos; public?

Anyone on the internet will then be able to read, without any key, the data of EVERY repository of &apos;{org}&apos; through this service, not only the repository selected here.

This is what &apos;al compute enable {org} {type} --is-public&apos; does. You can delete the service later to close it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="542"/>
        <source>Earthmover Flux</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="108"/>
        <source>Organization and API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="169"/>
        <source>organization name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="181"/>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="184"/>
        <source>Test connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="35"/>
        <source>Organization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="193"/>
        <source>API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="205"/>
        <source>Advanced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="214"/>
        <source>Compute URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="215"/>
        <source>API URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="165"/>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="227"/>
        <source>or paste a Flux URL and press Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="232"/>
        <source>Flux URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="241"/>
        <source>Refresh lists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="260"/>
        <source>Protocol</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="262"/>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="36"/>
        <source>Repository</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/source_select.py" line="43"/>
        <source>Variable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="278"/>
        <source>Style</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="284"/>
        <source>Value range from the data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_properties.py" line="79"/>
        <source>Colormap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="291"/>
        <source>Minimum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="292"/>
        <source>Maximum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="436"/>
        <source>Add layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="197"/>
        <source>Send credentials (uncheck for a public service)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="307"/>
        <source>Copy as…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="311"/>
        <source>Service URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="311"/>
        <source>curl command</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="311"/>
        <source>Python requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="311"/>
        <source>Mapbox transformRequest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="223"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="404"/>
        <source>Make an API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="529"/>
        <source>Still busy: wait for the current step or press Cancel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="594"/>
        <source>Enter the API key of &apos;{org}&apos; and press Save: the project&apos;s layers are re-linked to it then.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="606"/>
        <source>Credentials for &apos;{org}&apos; saved in the QGIS authentication database ({cfg}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="651"/>
        <source>No credentials for this organization yet: enter the API key and press Save.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="666"/>
        <source>Testing the connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="915"/>
        <source>{n} variables found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="917"/>
        <source>Listing variables</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/source_select.py" line="153"/>
        <source>Added {name}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="1031"/>
        <source>Adding the layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="1042"/>
        <source>The service &apos;{name}&apos; is already public.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="1049"/>
        <source>Make the service public?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="1052"/>
        <source>Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="1073"/>
        <source>The {type} service &apos;{name}&apos; is now public: anyone can read every repository of &apos;{org}&apos; through it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="1077"/>
        <source>Creating a public service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="1103"/>
        <source>The URL held credentials: the key was moved into the QGIS authentication database ({cfg}) and removed from the URL. Nothing else keeps it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="1107"/>
        <source>Fields filled from the URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="1122"/>
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
        <location filename="../ui/edr_panel.py" line="39"/>
        <source>Type the point as &apos;longitude, latitude&apos;, for example &apos;10, 20&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="41"/>
        <source>The point {lon:g}, {lat:g} is outside longitude -180..180 / latitude -90..90.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="107"/>
        <source>parameter names, comma separated (empty: all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="110"/>
        <source>start, e.g. 2024-01-02 (empty: from the first step)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="113"/>
        <source>end (empty: to the last step)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="114"/>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="178"/>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="116"/>
        <source>To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="120"/>
        <source>longitude, latitude</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="121"/>
        <source>Pick on map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="123"/>
        <source>Query point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="129"/>
        <source>Point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="137"/>
        <source>Query its points / polygon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="139"/>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="142"/>
        <source>Draw a polygon (right click ends)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="144"/>
        <source>Query drawn polygon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="154"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="155"/>
        <source>Keep in (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="180"/>
        <source>Click a point on the map.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="192"/>
        <source>Click the polygon&apos;s corners on the map; right click to close it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="197"/>
        <source>Polygon drawn: press &apos;Query drawn polygon&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="225"/>
        <source>Added {name}: {n} values.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="242"/>
        <source>EDR query at a point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="242"/>
        <source>EDR at {lon:g}, {lat:g}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="247"/>
        <source>Choose a point or polygon layer first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="253"/>
        <source>The layer has no polygon.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="268"/>
        <source>The layer has no points.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="276"/>
        <source>EDR query for {n} points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="277"/>
        <source>EDR at the points of {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="282"/>
        <source>Draw a polygon first, or choose a polygon layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="291"/>
        <source>EDR area query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="291"/>
        <source>EDR area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="89"/>
        <source>Unexpected error: {e}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="146"/>
        <source>Earthmover Flux: your organizations&apos; services, repositories and datasets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="158"/>
        <source>Organization {org} (credentials: {cfg})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="184"/>
        <source>public</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="184"/>
        <source>private</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="190"/>
        <source>{type} service {name}: {access}, {status}
{url}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="222"/>
        <source>Branches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="223"/>
        <source>Tags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/source_select.py" line="175"/>
        <source>(root group)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="338"/>
        <source>This organization has no WMS or tiles service to show {v} on a map: enable one first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="345"/>
        <source>This organization has no {p} service: enable one first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="388"/>
        <source>Adding {v}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="461"/>
        <source>New Earthmover Flux connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="458"/>
        <source>Organization name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="461"/>
        <source>Arraylake API key for &apos;{org}&apos; (kept in the QGIS authentication database only):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="511"/>
        <source>Delete the {type} service &apos;{name}&apos; of &apos;{org}&apos;?

Every layer, script and web page that uses it stops working. This is what &apos;al compute disable {org} {name}&apos; does.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="514"/>
        <source>Delete the service?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="568"/>
        <source>New Connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="578"/>
        <source>Add as WMS Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="578"/>
        <source>Add as Tiles Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="583"/>
        <source>Copy as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="593"/>
        <source>Make Public…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="596"/>
        <source>Delete Service…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="599"/>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="915"/>
        <source>1 variable found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="169"/>
        <source>Forecast start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="940"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="947"/>
        <source>{axis}: type a date-time; the nearest step is shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="978"/>
        <source>The time {text!r} is not an ISO 8601 date-time (the data has {axis}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/edr_sample_points.py" line="58"/>
        <source>Other dimensions, name=value separated by &apos;;&apos; (for example step=3 hours;level=850; empty: every value)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="94"/>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="114"/>
        <source>Listing {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="398"/>
        <source>The Earthmover Flux plugin is not loaded: enable it in Plugins &gt; Manage.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="520"/>
        <source>Deleting the service {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="572"/>
        <source>EDR at Points…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="572"/>
        <source>DAP2 Subset…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chart.py" line="347"/>
        <source>time (UTC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chart.py" line="369"/>
        <source>map time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chart.py" line="487"/>
        <source>at {time} UTC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/chart.py" line="549"/>
        <source>no value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dap2_panel.py" line="38"/>
        <source>Whole dataset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dap2_panel.py" line="40"/>
        <source>The area to cut out: from the map canvas, a layer, or drawn (the … button); empty: the whole dataset.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dap2_panel.py" line="57"/>
        <source>GeoTIFF (*.tif *.tiff)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dap2_panel.py" line="58"/>
        <source>Where to keep the subset: one band per time step.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dap2_panel.py" line="59"/>
        <source>Make subset and add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dap2_panel.py" line="61"/>
        <source>Fetch the subset over DAP2, write the GeoTIFF and add it to the map.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dap2_panel.py" line="62"/>
        <source>Area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dap2_panel.py" line="65"/>
        <source>Other dimensions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dap2_panel.py" line="66"/>
        <source>GeoTIFF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dap2_panel.py" line="74"/>
        <source>the first value of each (choose them on the Data page after List, protocol dap2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dap2_panel.py" line="106"/>
        <source>Choose a variable on the Data page first (protocol dap2, then List).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dap2_panel.py" line="108"/>
        <source>Choose where to keep the GeoTIFF (the GeoTIFF field).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dap2_panel.py" line="127"/>
        <source>Added {name}: 1 time step in {path}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dap2_panel.py" line="128"/>
        <source>Added {name}: {n} time steps in {path}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dap2_panel.py" line="131"/>
        <source>Fetching the DAP2 subset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="95"/>
        <source>Stop what is running (its requests are aborted).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="108"/>
        <source>Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="110"/>
        <source>Choose a dataset and a variable, then add it as a layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="117"/>
        <source>EDR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="117"/>
        <source>Values at points and in areas (EDR) of the dataset chosen in Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="121"/>
        <source>DAP2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="121"/>
        <source>A subset of the dataset chosen in Data, kept as a GeoTIFF (DAP2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="170"/>
        <source>Your Earthmover organization, as in app.earthmover.io/ORGANIZATION.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="174"/>
        <source>Arraylake API key, then Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="175"/>
        <source>Press Enter or Save: the key goes into the QGIS authentication database, nowhere else, and the field is emptied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="183"/>
        <source>Store the key; the services and repositories are then listed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="186"/>
        <source>List the organization&apos;s services and repositories again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="196"/>
        <source>Or a saved configuration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="199"/>
        <source>A public service is read without any key: uncheck to add its layers without credentials.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="210"/>
        <source>Where the Flux services run (leave as it is unless told otherwise).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="213"/>
        <source>Earthmover&apos;s management API (services, repositories).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="229"/>
        <source>A Flux service URL fills the fields below; a key in it goes to the authentication database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="235"/>
        <source>wms and tiles: map layers; edr: values at points and areas; dap2: a subset kept as a GeoTIFF.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="238"/>
        <source>The organization&apos;s Flux service (deployment) to use.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="242"/>
        <source>List the services, repositories, refs and datasets again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="244"/>
        <source>Listed once the key is saved; you can also type a name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="246"/>
        <source>Branches, then (after the line) tags of the repository; a commit (snapshot) id can be typed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="249"/>
        <source>The datasets (groups with arrays) of the repository at this ref; empty: the root group.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="256"/>
        <source>Press List to see the dataset&apos;s variables.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="257"/>
        <source>List</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="259"/>
        <source>List the variables of this dataset (and their dimensions).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/source_select.py" line="43"/>
        <source>Ref</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/source_select.py" line="43"/>
        <source>Dataset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="308"/>
        <source>The service URL or code to use it elsewhere (never with your key).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="317"/>
        <source>Make public…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="319"/>
        <source>Anyone could then read every repository of the organization: asks first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="322"/>
        <source>Time series…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="324"/>
        <source>Click the map to chart the chosen variable over time there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="390"/>
        <source>The lists load once the QGIS authentication database is unlocked: press Refresh lists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="430"/>
        <source>EDR queries…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="431"/>
        <source>Open the EDR page: values at a point, a layer&apos;s points or a polygon.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="433"/>
        <source>DAP2 subset…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="434"/>
        <source>Open the DAP2 page: an area and time range kept as a GeoTIFF.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="437"/>
        <source>Add the variable to the map as a {p} layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="450"/>
        <source>No dataset chosen yet: choose one on the Data page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="453"/>
        <source>Dataset {where}{variable}, {protocol} service &apos;{service}&apos; (change it on the Data page).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="683"/>
        <source>Connected to &apos;{org}&apos;: {repos}, {services}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="683"/>
        <source>1 repository</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="683"/>
        <source>{n} repositories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="683"/>
        <source>1 service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="683"/>
        <source>{n} services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="710"/>
        <source>Not listed: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="717"/>
        <source>Listing services and repositories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="749"/>
        <source>Refs not listed: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="776"/>
        <source>Branches and tags not listed, type the ref: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="778"/>
        <source>Listing the branches and tags of {repo}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="790"/>
        <source>Datasets not listed: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="816"/>
        <source>Datasets not listed, type the group: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="818"/>
        <source>Listing the datasets of {repo} at {ref}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="828"/>
        <source>branch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="833"/>
        <source>tag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="846"/>
        <source>the root group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="157"/>
        <source>List the variables on the Data page (protocol edr) to fill this.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="158"/>
        <source>Click a point on the map: it is queried at once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="159"/>
        <source>The selected (else all) points of the layer, in one request; or its selected (else first) polygon.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="161"/>
        <source>A GeoPackage to keep the values in; empty: a temporary layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="225"/>
        <source>Added {name}: 1 value.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/edr_panel.py" line="276"/>
        <source>EDR query for 1 point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/identify.py" line="98"/>
        <source>Earthmover Flux: identify {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/identify.py" line="130"/>
        <source>Earthmover Flux: the value in the grid cell under the point (EDR position)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_properties.py" line="81"/>
        <source>Fixed range (else the server scales each image itself)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_properties.py" line="94"/>
        <source>From the current view&apos;s data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_properties.py" line="96"/>
        <source>Minimum and maximum of the data inside the map view, for the time and dimensions chosen here (WMS GetMetadata)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="179"/>
        <source>to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_properties.py" line="107"/>
        <source>Value range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_properties.py" line="120"/>
        <source>Time step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_properties.py" line="121"/>
        <source>With the Temporal Controller on, each render asks for its own time; this is the time shown otherwise.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_properties.py" line="165"/>
        <source>Updated: the layer asks the server for the new images.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_properties.py" line="199"/>
        <source>Reading the range of the data in view…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_properties.py" line="200"/>
        <source>Earthmover Flux: value range of the view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_properties.py" line="216"/>
        <source>Range of the data in view: {low} to {high}. Apply to use it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/source_select.py" line="43"/>
        <source>Layer type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/source_select.py" line="57"/>
        <source>&amp;Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/source_select.py" line="70"/>
        <source>No Earthmover Flux credentials yet: save an organization and its API key in the Earthmover Flux dock (or the Browser&apos;s New Connection).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/source_select.py" line="109"/>
        <source>Earthmover Flux: listing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/source_select.py" line="116"/>
        <source>Choose a variable first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/source_select.py" line="138"/>
        <source>Earthmover Flux: adding {v}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/source_select.py" line="140"/>
        <source>Adding {v}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/source_select.py" line="196"/>
        <source>Add Earthmover Flux data (WMS or tiles) from your organizations&apos; repositories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/time_notice.py" line="32"/>
        <source>Earthmover Flux tiles layers draw the one time step shown on the main map ({names}). An exported animation, or a layout map at another time, leaves them out rather than show the wrong time. Add the variable as a WMS layer to draw every time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="139"/>
        <source>Earthmover Flux time series</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="164"/>
        <source>The Flux layer (or the dataset of the Flux dock) whose values are charted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="174"/>
        <source>first step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="177"/>
        <source>last step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="187"/>
        <source>Time series</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="188"/>
        <source>Profile (value against level)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="191"/>
        <source>Level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="196"/>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="198"/>
        <source>CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="200"/>
        <source>Save every value as CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="201"/>
        <source>Image…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="203"/>
        <source>Save the chart as PNG or SVG</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="204"/>
        <source>Add as point layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="480"/>
        <source>Click the map with the tool “Time series at a point”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="258"/>
        <source>{name} (from the Flux dock)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="349"/>
        <source>Add an Earthmover Flux layer (WMS or tiles), or pick a dataset in the Flux dock, then click the map.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="363"/>
        <source>Earthmover Flux: time series of {v} at {lon:.3f}, {lat:.3f}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="363"/>
        <source>Fetching {v} at {lon:.3f}, {lat:.3f}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="373"/>
        <source>Add an Earthmover Flux layer (WMS or tiles), or pick a dataset in the Flux dock, then click a polygon.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="377"/>
        <source>A polygon&apos;s chart follows one time axis: choose a layer that is no forecast, or click a point for the forecast&apos;s lead times.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="382"/>
        <source>This polygon cannot be summarised: {why}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="385"/>
        <source>feature {fid}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="392"/>
        <source>Earthmover Flux: {v} over {zone}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="392"/>
        <source>Summarising {v} over {zone}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="439"/>
        <source> (the oldest line was dropped: at most {n} lines)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="449"/>
        <source>{v} at {where}: {n} values in {r} request(s){dropped}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="468"/>
        <source>, forecast from {start} UTC (x: valid time)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="547"/>
        <source>There is nothing to export yet: click the map first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="564"/>
        <source>Could not write the image {path}: check the folder exists and is writable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="577"/>
        <source>{n} point layer(s) added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="581"/>
        <source>Save the values as CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="581"/>
        <source>CSV (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="587"/>
        <source>Save the chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="587"/>
        <source>PNG image (*.png);;SVG image (*.svg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="595"/>
        <source>Saved {path}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/timeseries.py" line="684"/>
        <source>Choose an organization, repository, group and variable first (List variables), then press Time series… and click the map.</source>
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
    <name>Dap2SubsetAlgorithm</name>
    <message>
        <location filename="../flux_processing/dap2_subset.py" line="34"/>
        <source>Flux DAP2 subset to GeoTIFF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/dap2_subset.py" line="37"/>
        <source>Fetches a variable of an Earthmover Flux DAP2 service within an extent and time range and writes it to a GeoTIFF (one band per time step, the band description is its time). Other dimensions (lead time, level, member) are taken at one value each: DIMENSIONS, else their first value. Requests go through QGIS&apos;s network stack with the credentials&apos; Authorization header; the output holds no URL and no key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/dap2_subset.py" line="48"/>
        <source>Organization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/dap2_subset.py" line="49"/>
        <source>Repository</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/dap2_subset.py" line="50"/>
        <source>Ref (branch, tag or commit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/dap2_subset.py" line="51"/>
        <source>Group path (empty: root)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/dap2_subset.py" line="52"/>
        <source>Service (deployment) name (empty: dap2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/dap2_subset.py" line="53"/>
        <source>Variable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/dap2_subset.py" line="54"/>
        <source>Extent (empty: the whole dataset)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/dap2_subset.py" line="56"/>
        <source>Start time, ISO 8601 (empty: first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/dap2_subset.py" line="57"/>
        <source>End time, ISO 8601 (empty: last)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/dap2_subset.py" line="59"/>
        <source>Credentials (Basic: org + API key; empty: the org&apos;s saved ones)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/dap2_subset.py" line="62"/>
        <source>GeoTIFF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/dap2_subset.py" line="78"/>
        <source>The output must be a GeoTIFF file (.tif).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/dap2_subset.py" line="87"/>
        <source>Cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/dap2_subset.py" line="91"/>
        <source>1 time step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/dap2_subset.py" line="91"/>
        <source>{n} time steps</source>
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
        <location filename="../flux_processing/edr_sample_points.py" line="191"/>
        <source>{rows} rows from {req} requests</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FluxPlugin</name>
    <message>
        <location filename="../plugin.py" line="153"/>
        <source>Earthmover Flux</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="49"/>
        <source>Add Earthmover Flux data (WMS, tiles, EDR, DAP2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="128"/>
        <source>{n} Earthmover Flux layer(s) use credentials that are not on this computer (organization: {orgs}). Re-link them to your own credentials for the same organization?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="133"/>
        <source>Re-link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="153"/>
        <source>{n} layer(s) re-linked to your credentials.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="91"/>
        <source>Time series at a point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="94"/>
        <source>Click the map to chart a Flux layer&apos;s values over time there</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ZonalStatisticsAlgorithm</name>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="41"/>
        <source>Flux zonal statistics over time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="44"/>
        <source>Summarises an Earthmover Flux variable per polygon and per time step, from the dataset&apos;s EDR service (one area query per polygon, in the data&apos;s own longitudes; polygons across the data&apos;s edge are split). Cells whose centre lies inside the polygon count; a polygon with no cell centre inside takes the cell under its centroid (centroid_cell = 1). area_mean weights cells by cos(latitude); std is the population standard deviation. The output repeats each polygon (or a table row) per time step with its attributes, the time, the chosen axes (lead time, level, member) and one field per statistic; wide: one row per polygon, a column per statistic and time step. Invalid polygons are left out and listed in the log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="55"/>
        <source>Polygons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="57"/>
        <source>Organization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="57"/>
        <source>Repository</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="57"/>
        <source>Ref (branch, tag or commit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="57"/>
        <source>Group path (empty: root)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="57"/>
        <source>Variable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="57"/>
        <source>Service (deployment) name (empty: edr)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="57"/>
        <source>Start time, ISO 8601 (empty: first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="57"/>
        <source>End time, ISO 8601 (empty: last)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="67"/>
        <source>Credentials (Basic: org + API key; empty: the org&apos;s saved ones)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="70"/>
        <source>Statistics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="73"/>
        <source>Output</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="73"/>
        <source>polygons, per time step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="73"/>
        <source>table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="76"/>
        <source>Wide: one column per time step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="77"/>
        <source>Zonal statistics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="95"/>
        <source>Left out: feature {fid} ({why}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="97"/>
        <source>The polygon layer has no valid polygons to summarise.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="104"/>
        <source>Cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../flux_processing/zonal_statistics.py" line="114"/>
        <source>{zones} polygons, {rows} rows, {requests} requests.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
