using System.Globalization;
using System.Net;
using System.Text;
using P2P.Node.Content.Exporting;
using P2P.Node.Content.UnixFs;

namespace P2P.Node.Hosting.Gateway;

/// <summary>
/// The HTML page the gateway shows for a directory without an index.html. Every name is HTML-encoded for the text
/// and percent-encoded for the link, so a hostile name (<c>&lt;script&gt;</c>, quotes, <c>?</c>, <c>#</c>) shows as
/// itself and links to itself.
/// </summary>
public static class DirectoryListingPage
{
    public static string Render(string requestPath, IReadOnlyList<UnixFsDirectoryEntry> entries)
    {
        var path = WebUtility.HtmlEncode(requestPath);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(path).Append("</title>\n<style>body{font-family:sans-serif;margin:2em}td{padding:.2em 1em .2em 0}")
            .Append(".cid{font-family:monospace;color:#666}.size{text-align:right}</style>\n</head>\n<body>\n<h1>Index of ")
            .Append(path).Append("</h1>\n<table>\n");
        if (requestPath.TrimEnd('/').Count(c => c == '/') > 2)
            html.Append("<tr><td><a href=\"..\">..</a></td><td></td><td></td></tr>\n");
        foreach (var entry in entries)
        {
            var name = WebUtility.HtmlEncode(entry.Name);
            var href = Uri.EscapeDataString(entry.Name) + (entry.Type == UnixFsType.Directory ? "/" : "");
            var size = entry.Size ?? (long?)entry.Tsize;
            html.Append("<tr><td><a href=\"./").Append(href).Append("\">").Append(name)
                .Append(entry.Type == UnixFsType.Directory ? "/" : "").Append("</a></td><td class=\"cid\">")
                .Append(WebUtility.HtmlEncode(entry.Cid.ToString())).Append("</td><td class=\"size\">")
                .Append(size is { } s ? s.ToString(CultureInfo.InvariantCulture) : "").Append("</td></tr>\n");
        }
        html.Append("</table>\n</body>\n</html>\n");
        return html.ToString();
    }
}
