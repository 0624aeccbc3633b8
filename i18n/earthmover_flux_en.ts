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
        <location filename="../ui/dock.py" line="324"/>
        <source>Earthmover Flux</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="70"/>
        <source>Organization and API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="74"/>
        <source>organization name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="78"/>
        <source>Arraylake API key (kept in the QGIS auth database)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="83"/>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="85"/>
        <source>Test connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="33"/>
        <source>Organization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="93"/>
        <source>API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="96"/>
        <source>Or use a saved configuration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="99"/>
        <source>Advanced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="106"/>
        <source>Compute URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="107"/>
        <source>API URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="110"/>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="114"/>
        <source>or paste a Flux URL and press Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="117"/>
        <source>Flux URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="119"/>
        <source>Refresh lists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="127"/>
        <source>List variables</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="129"/>
        <source>Protocol</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="130"/>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="34"/>
        <source>Repository</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="132"/>
        <source>Ref (branch, tag, commit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="133"/>
        <source>Group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="135"/>
        <source>Variable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="139"/>
        <source>Style</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="143"/>
        <source>Value range from the data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="148"/>
        <source>Colormap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="150"/>
        <source>Minimum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="151"/>
        <source>Maximum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="159"/>
        <source>Add layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="161"/>
        <source>Make service public…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="163"/>
        <source>Send credentials (uncheck for a public service)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="171"/>
        <source>Copy as…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="174"/>
        <source>Service URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="174"/>
        <source>curl command</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="174"/>
        <source>Python requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="174"/>
        <source>Mapbox transformRequest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="189"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="262"/>
        <source>Make an API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="332"/>
        <source>Still busy: wait for the current step or press Cancel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="366"/>
        <source>Enter the API key of &apos;{org}&apos; and press Save: the project&apos;s layers are re-linked to it then.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="378"/>
        <source>Credentials for &apos;{org}&apos; saved in the QGIS authentication database ({cfg}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="405"/>
        <source>No credentials for this organization yet: enter the API key and press Save.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="427"/>
        <source>Connected to &apos;{org}&apos;: {n} repositories, {s} services.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="430"/>
        <source>Testing the connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="482"/>
        <source>{n} variables found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="484"/>
        <source>Listing variables</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="521"/>
        <source>Added {name}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="523"/>
        <source>Adding the layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="534"/>
        <source>The service &apos;{name}&apos; is already public.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="540"/>
        <source>Make the service public?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="543"/>
        <source>Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="561"/>
        <source>The {type} service &apos;{name}&apos; is now public: anyone can read every repository of &apos;{org}&apos; through it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="565"/>
        <source>Creating a public service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="591"/>
        <source>The URL held credentials: the key was moved into the QGIS authentication database ({cfg}) and removed from the URL. Nothing else keeps it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="595"/>
        <source>Fields filled from the URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="610"/>
        <source>Copied to the clipboard (with YOUR_API_KEY in place of the key).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="35"/>
        <source>Ref (branch, tag or commit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="36"/>
        <source>Group path (empty: root)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="37"/>
        <source>Service (deployment) name (empty: edr)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="39"/>
        <source>Parameter names, comma-separated (empty: all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="41"/>
        <source>Start time, ISO 8601 (empty: first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="43"/>
        <source>End time, ISO 8601 (empty: last)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="45"/>
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
</context>
<context>
    <name>AddLayerAlgorithm</name>
    <message>
        <location filename="../processing/add_layer.py" line="44"/>
        <source>Add Flux layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="47"/>
        <source>Adds an Earthmover Flux WMS or tiles layer for one variable of an Arraylake repository. The layer source references the authentication configuration by id: the API key is never written into it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="52"/>
        <source>Organization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="53"/>
        <source>Repository</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="54"/>
        <source>Ref (branch, tag or commit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="55"/>
        <source>Group path (empty: root)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="57"/>
        <source>Protocol</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="59"/>
        <source>Service (deployment) name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="61"/>
        <source>Variable (empty: the first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="63"/>
        <source>Credentials (Basic: org + API key)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="65"/>
        <source>Colormap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="67"/>
        <source>Minimum value (empty: from the data)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="67"/>
        <source>Maximum value (empty: from the data)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="71"/>
        <source>Time step (empty: the first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="73"/>
        <source>Add the layer to the project and save the project file (for qgis_process --PROJECT_PATH=...)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="76"/>
        <source>Flux layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="99"/>
        <source>Layer source: {src}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="113"/>
        <source>SAVE_PROJECT needs a project file: run with --PROJECT_PATH=... (qgis_process) or save the project first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="120"/>
        <source>Could not save the project {path}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/add_layer.py" line="121"/>
        <source>Added to {path} and saved.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EdrAreaAlgorithm</name>
    <message>
        <location filename="../processing/edr_area.py" line="41"/>
        <source>Flux EDR values in an area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_area.py" line="44"/>
        <source>Asks an Earthmover Flux EDR service for the values at the grid points inside each polygon of the input layer (one request per polygon; the polygon&apos;s attributes are kept) or inside an extent. The output has one point feature (EPSG:4326, on the grid point) per grid point and time step, with grid_lon, grid_lat, a time field (UTC) and one number field per parameter. Very detailed polygons must be simplified first (a request URL holds at most 8000 bytes).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_area.py" line="52"/>
        <source>Polygons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_area.py" line="54"/>
        <source>Or an extent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_area.py" line="56"/>
        <source>EDR values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_area.py" line="73"/>
        <source>Polygon {fid} cannot be transformed to EPSG:4326.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_area.py" line="77"/>
        <source>The polygon layer has no polygons.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_area.py" line="80"/>
        <source>Give a polygon layer or an extent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_area.py" line="83"/>
        <source>The extent is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_area.py" line="97"/>
        <source>Cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_area.py" line="124"/>
        <source>No grid point lies inside the polygons: the output is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_area.py" line="125"/>
        <source>{n} rows</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EdrSamplePointsAlgorithm</name>
    <message>
        <location filename="../processing/edr_sample_points.py" line="97"/>
        <source>Sample Flux EDR values at points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="100"/>
        <source>Asks an Earthmover Flux EDR service for the values of the chosen parameters at every point of the input layer (any CRS; multipoints are sampled at their first point), for each time step in the time range. Points are sent in MULTIPOINT batches (about 300 per request), not one request per point. The output has one feature per point and time step, with the input&apos;s attributes, the grid cell the server answered for (grid_lon, grid_lat), a time field (UTC) and one number field per parameter. Cancel stops between requests.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="109"/>
        <source>Points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="112"/>
        <source>EDR values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="118"/>
        <source>The input point layer could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="131"/>
        <source>Feature {fid} cannot be transformed to EPSG:4326.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="136"/>
        <source>The input layer has no points.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="137"/>
        <source>{n} points, {b} requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="143"/>
        <source>Cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/edr_sample_points.py" line="162"/>
        <source>{rows} rows from {req} requests</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FluxPlugin</name>
    <message>
        <location filename="../plugin.py" line="97"/>
        <source>Earthmover Flux</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="47"/>
        <source>Add Earthmover Flux data (WMS, tiles, EDR, DAP2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="75"/>
        <source>{n} Earthmover Flux layer(s) use credentials that are not on this computer (organization: {orgs}). Re-link them to your own credentials for the same organization?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="80"/>
        <source>Re-link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="97"/>
        <source>{n} layer(s) re-linked to your credentials.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
