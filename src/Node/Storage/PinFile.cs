using System.Security.Cryptography;
using System.Text.Json;
using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>
/// One generation of the pin set as bytes: <c>{"version":2,"generation":N,"pins":[{"cid","kind"}…]}</c>.
/// Version 1 (up to 2bfb720) had no generation and reads as generation 0. Version 2 is a new number on purpose:
/// a p2p that predates it refuses the file instead of saving a set without a generation, which would make
/// this code recover an older backup over the newer pins.
/// </summary>
internal sealed record PinFile(long Generation, IReadOnlyDictionary<Multihash, Pin> Pins, byte[] Bytes)
{
    public const int FormatVersion = 2;

    /// <summary>Hex SHA-256 of <see cref="Bytes"/>, what the marker records.</summary>
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Bytes));

    /// <summary>Serialises <paramref name="pins"/> as generation <paramref name="generation"/>; the same set gives the same bytes.</summary>
    public static PinFile Create(long generation, IEnumerable<Pin> pins)
    {
        var byKey = pins.ToDictionary(static p => p.Cid.Multihash);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", FormatVersion);
            writer.WriteNumber("generation", generation);
            writer.WriteStartArray("pins");
            foreach (var pin in byKey.Values.OrderBy(static p => p.Cid))
            {
                writer.WriteStartObject();
                writer.WriteString("cid", pin.Cid.ToString());
                writer.WriteString("kind", pin.Kind == PinKind.Recursive ? "recursive" : "direct");
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return new PinFile(generation, byKey, buffer.ToArray());
    }

    /// <summary>The file at <paramref name="path"/>: null and no error when it is absent, null and a reason when it is damaged.</summary>
    public static PinFile? TryRead(string path, out string? error)
    {
        error = null;
        byte[] bytes;
        try
        {
            if (!File.Exists(path))
                return null;
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"unreadable ({e.Message})";
            return null;
        }
        return TryParse(bytes, out error);
    }

    /// <summary>Any defect makes the whole file unusable: a partial pin set would let gc delete pinned blocks.</summary>
    public static PinFile? TryParse(byte[] bytes, out string? error)
    {
        try
        {
            // A text editor may have saved the file with a UTF-8 byte order mark, which the JSON reader refuses.
            using var document = JsonDocument.Parse(bytes.AsMemory(bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0));
            var root = document.RootElement;
            var version = root.TryGetProperty("version", out var versionElement) ? versionElement.GetInt32() : 0;
            if (version is not (1 or FormatVersion))
                throw new InvalidDataException($"unsupported pin file version (expected 1 or {FormatVersion})");
            long generation = 0;
            if (version == FormatVersion)
            {
                generation = root.GetProperty("generation").GetInt64();
                if (generation < 0)
                    throw new InvalidDataException("negative generation");
            }
            var pins = new Dictionary<Multihash, Pin>();
            foreach (var entry in root.GetProperty("pins").EnumerateArray())
            {
                var cid = Cid.Parse(entry.GetProperty("cid").GetString() ?? "");
                var kind = entry.GetProperty("kind").GetString() switch
                {
                    "recursive" => PinKind.Recursive,
                    "direct" => PinKind.Direct,
                    var other => throw new InvalidDataException($"unknown pin kind '{other}'"),
                };
                pins[cid.Multihash] = new Pin(cid, kind);
            }
            error = null;
            return new PinFile(generation, pins, bytes);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            error = $"damaged ({e.Message})";
            return null;
        }
    }
}
