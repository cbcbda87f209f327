using System.Text;
using Microsoft.AspNetCore.StaticFiles;

namespace P2P.Node.Hosting.Gateway;

/// <summary>
/// The Content-Type of a file the gateway serves: from its name's extension when it has a known one, otherwise
/// sniffed from its first bytes (a small subset of the WHATWG MIME Sniffing signatures: the common image,
/// archive and document formats, HTML, and UTF-8 text), otherwise application/octet-stream.
/// </summary>
public static class ContentTypes
{
    /// <summary>How many leading bytes the sniffer looks at (the WHATWG algorithm's resource header size).</summary>
    public const int SniffLength = 512;

    public const string Binary = "application/octet-stream";

    private static readonly FileExtensionContentTypeProvider Extensions = new();

    private static readonly (byte[] Magic, string Type)[] Signatures =
    [
        ([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], "image/png"),
        ([0xFF, 0xD8, 0xFF], "image/jpeg"),
        ("GIF87a"u8.ToArray(), "image/gif"),
        ("GIF89a"u8.ToArray(), "image/gif"),
        ("%PDF-"u8.ToArray(), "application/pdf"),
        ([(byte)'P', (byte)'K', 0x03, 0x04], "application/zip"),
        ([0x1F, 0x8B, 0x08], "application/x-gzip"),
        ([0x00, 0x61, 0x73, 0x6D], "application/wasm"),
        ("OggS\0"u8.ToArray(), "application/ogg"),
        ("ID3"u8.ToArray(), "audio/mpeg"),
        ("\x1A\x45\xDF\xA3"u8.ToArray(), "video/webm"),
    ];

    /// <summary>The type for <paramref name="name"/>'s extension, or null when it has none we know.</summary>
    public static string? FromName(string? name) =>
        name is { Length: > 0 } && Extensions.TryGetContentType(name, out var type) ? WithCharset(type) : null;

    /// <summary>The type the first bytes of a file suggest.</summary>
    public static string Sniff(ReadOnlySpan<byte> head)
    {
        foreach (var (magic, type) in Signatures)
        {
            if (head.StartsWith(magic))
                return type;
        }
        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
            return "image/webp";
        if (head.Length >= 8 && head[4..8].SequenceEqual("ftyp"u8))
            return "video/mp4";
        var text = SkipWhitespace(head);
        if (StartsWithIgnoreCase(text, "<!doctype html") || StartsWithIgnoreCase(text, "<html") || StartsWithIgnoreCase(text, "<head") || StartsWithIgnoreCase(text, "<body"))
            return "text/html; charset=utf-8";
        if (StartsWithIgnoreCase(text, "<?xml"))
            return ContainsIgnoreCase(text, "<svg") ? "image/svg+xml" : "text/xml; charset=utf-8";
        if (StartsWithIgnoreCase(text, "<svg"))
            return "image/svg+xml";
        return LooksLikeText(head) ? "text/plain; charset=utf-8" : Binary;
    }

    /// <summary>Text with no control bytes but tab, CR, LF and form feed, valid UTF-8 up to a character cut at the end.</summary>
    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
            return true;
        foreach (var b in head)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C or 0x1B))
                return false;
        }
        // A multi-byte character may be cut by the sniff window; allow up to three trailing bytes to be incomplete.
        for (var trim = 0; trim <= Math.Min(3, head.Length - 1); trim++)
        {
            if (System.Text.Unicode.Utf8.IsValid(head[..^trim]))
                return true;
        }
        return false;
    }

    private static string WithCharset(string type) =>
        type.StartsWith("text/", StringComparison.Ordinal) || type is "application/javascript" or "application/json"
            ? type + "; charset=utf-8"
            : type;

    private static ReadOnlySpan<byte> SkipWhitespace(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            bytes = bytes[3..];
        var i = 0;
        while (i < bytes.Length && bytes[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C)
            i++;
        return bytes[i..];
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> bytes, string prefix)
    {
        if (bytes.Length < prefix.Length)
            return false;
        for (var i = 0; i < prefix.Length; i++)
        {
            if (char.ToLowerInvariant((char)bytes[i]) != prefix[i])
                return false;
        }
        return true;
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> bytes, string needle) =>
        Encoding.Latin1.GetString(bytes).Contains(needle, StringComparison.OrdinalIgnoreCase);
}
