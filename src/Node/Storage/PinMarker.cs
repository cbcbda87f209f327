using System.Text.Json;

namespace P2P.Node.Storage;

/// <summary>
/// pins.state: a few bytes saying which generation of the pin set was last saved, how many pins it had and the
/// SHA-256 of its file. It outlives a lost or replaced pins.json, so "no pin file" is never mistaken for "no pins".
/// </summary>
internal sealed record PinMarker(long Generation, int Count, string Sha256)
{
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(new { version = 1, generation = Generation, count = Count, sha256 = Sha256 });

    public static PinMarker For(PinFile file) => new(file.Generation, file.Pins.Count, file.Sha256);

    /// <summary>The marker at <paramref name="path"/>: null and no error when absent, null and a reason when damaged.</summary>
    public static PinMarker? TryRead(string path, out string? error)
    {
        error = null;
        try
        {
            if (!File.Exists(path))
                return null;
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            var sha = root.GetProperty("sha256").GetString();
            if (root.GetProperty("version").GetInt32() != 1 || sha is not { Length: 64 })
                throw new InvalidDataException("unknown version or bad hash");
            return new PinMarker(root.GetProperty("generation").GetInt64(), root.GetProperty("count").GetInt32(), sha);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or KeyNotFoundException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            error = $"damaged ({e.Message})";
            return null;
        }
    }
}
