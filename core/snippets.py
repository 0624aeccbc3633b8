"""'Copy as': the selected service as a URL or a code snippet, with a placeholder for the key.

The key is never put into a snippet: users paste their own where ``{API_KEY}`` stands (the
Earthmover docs show the same four forms: URL, curl -u, Python requests, Mapbox).
"""

KEY_PLACEHOLDER = "YOUR_API_KEY"
FORMATS = ("url", "curl", "python", "mapbox")


def copy_as(location, kind, public=False):
    url = location.service_url() + "/"
    org = location.org
    if kind == "url":
        return url
    if kind == "curl":
        if public:
            return f"curl '{url}'"
        return f"curl -u '{org}:{KEY_PLACEHOLDER}' '{url}'"
    if kind == "python":
        auth = "" if public else f", auth=({org!r}, {KEY_PLACEHOLDER!r})"
        return ("import requests\n\n"
                f"response = requests.get({url!r}{auth})\n"
                "response.raise_for_status()\n")
    if kind == "mapbox":
        host = url.split("/")[2]
        return ("transformRequest: (url, resourceType) => {\n"
                f"  if (url.includes('{host}')) {{\n"
                "    return {\n"
                "      url: url,\n"
                f"      headers: {{ 'Authorization': 'Basic ' + btoa('{org}:{KEY_PLACEHOLDER}') }},\n"
                "    };\n"
                "  }\n"
                "}\n")
    raise ValueError(f"unknown format {kind!r}: one of {', '.join(FORMATS)}")
