using P2P.Node.Multiformats;

namespace P2P.Node.Hosting.Api;

/// <summary>CIDs and paths in <c>arg=</c>: a malformed one is bad input (400, exit 2), with the CID's own reason.</summary>
internal static class ApiCids
{
    public static Cid Parse(string text) =>
        Cid.TryParse(text, out var cid, out var error) ? cid! : throw new FormatException($"invalid CID '{text}': {error}");

    /// <summary>The CID a path starts from (<c>cid</c>, <c>cid/a/b</c> or <c>/ipfs/cid/a/b</c>): a fetch session's root.</summary>
    public static Cid RootOf(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var first = segments.Length > 0 && segments[0] == "ipfs" ? segments.Skip(1).FirstOrDefault() : segments.FirstOrDefault();
        return first is null ? throw new FormatException($"'{path}' names no CID") : Parse(first);
    }
}
