using System.Globalization;

namespace P2P.Node.Content.Chunking;

/// <summary>
/// A parsed kubo <c>--chunker</c> value: which chunker, with which sizes. <see cref="Parse"/> keeps boxo's rules
/// (chunker/parse.go) and its error sentences, so a value kubo refuses is refused here with the same words, and one
/// it accepts chunks to the same CIDs. <see cref="Open"/> makes the per-stream <see cref="ChunkReader"/>.
/// </summary>
public sealed record ChunkerSpec
{
    private ChunkerSpec(ChunkerKind kind, int size, int min, int avg, int max)
    {
        Kind = kind;
        Size = size;
        Min = min;
        Avg = avg;
        Max = max;
    }

    /// <summary>kubo's default: 262,144-byte fixed chunks.</summary>
    public static ChunkerSpec Default { get; } = FixedSize(FixedSizeChunker.DefaultSize);

    /// <summary><c>buzhash</c>; it takes no parameters.</summary>
    public static ChunkerSpec Buzhash { get; } = new(ChunkerKind.Buzhash, 0, BuzhashChunker.MinLength, 0, BuzhashChunker.MaxLength);

    public ChunkerKind Kind { get; }

    /// <summary>The chunk size of <see cref="ChunkerKind.Size"/>; 0 for the others.</summary>
    public int Size { get; }

    public int Min { get; }

    /// <summary>The target average of <see cref="ChunkerKind.Rabin"/>; it sets how many fingerprint bits must be 0.</summary>
    public int Avg { get; }

    public int Max { get; }

    public static ChunkerSpec FixedSize(int size) => new(ChunkerKind.Size, new FixedSizeChunker(size).Size, 0, 0, 0);

    /// <summary>Rabin with explicit bounds; <see cref="Parse"/> is where kubo's limits are checked.</summary>
    public static ChunkerSpec Rabin(int min, int avg, int max) => new(ChunkerKind.Rabin, 0, min, avg, max);

    /// <summary><c>rabin-AVG</c>: kubo's bounds of a third and one and a half times the average.</summary>
    public static ChunkerSpec RabinAverage(int avg) => Rabin(avg / 3, avg, avg + avg / 2);

    /// <summary>Parses kubo's <c>--chunker</c>; throws <see cref="ArgumentException"/> with kubo's sentence.</summary>
    public static ChunkerSpec Parse(string? text) =>
        TryParse(text, out var spec, out var error) ? spec! : throw new ArgumentException(error);

    /// <summary>Parses kubo's <c>--chunker</c>: empty or <c>default</c>, <c>size-N</c>, <c>rabin…</c>, <c>buzhash</c>.</summary>
    public static bool TryParse(string? text, out ChunkerSpec? spec, out string? error)
    {
        spec = null;
        if (string.IsNullOrEmpty(text) || text == "default")
        {
            spec = Default;
            error = null;
            return true;
        }
        // As boxo's registry: the name is what precedes the first dash, and the whole string goes to its parser.
        var dash = text.IndexOf('-');
        var name = dash < 0 ? text : text[..dash];
        error = name switch
        {
            "size" => ParseSize(text, out spec),
            "rabin" => KuboChunkerGrammar.ParseRabin(text, out spec),
            "buzhash" => Done(Buzhash, out spec),
            _ => $"unrecognized chunker option: {text}",
        };
        return error is null;
    }

    /// <summary>The per-stream reader that cuts <paramref name="source"/> the way this spec says.</summary>
    public ChunkReader Open(Stream source) => Kind switch
    {
        ChunkerKind.Size => new FixedChunkReader(source, new FixedSizeChunker(Size)),
        ChunkerKind.Rabin => new ContentChunkReader(source, new RabinChunker(Min, Avg, Max), ToString()),
        _ => new ContentChunkReader(source, BuzhashChunker.Instance, ToString()),
    };

    /// <summary>The kubo spelling: <c>size-N</c>, <c>rabin-MIN-AVG-MAX</c> or <c>buzhash</c>.</summary>
    public override string ToString() => Kind switch
    {
        ChunkerKind.Size => "size-" + Size.ToString(CultureInfo.InvariantCulture),
        ChunkerKind.Rabin => string.Create(CultureInfo.InvariantCulture, $"rabin-{Min}-{Avg}-{Max}"),
        _ => "buzhash",
    };

    private static string? ParseSize(string text, out ChunkerSpec? spec)
    {
        spec = null;
        var parts = text.Split('-');
        if (parts.Length != 2)
            return "incorrect chunker string format (expected size-{size})";
        if (KuboChunkerGrammar.Atoi(parts[1], out var size) is { } bad)
            return bad;
        if (size <= 0)
            return KuboChunkerGrammar.ErrSize;
        if (size > FixedSizeChunker.MaxSize)
            return KuboChunkerGrammar.ErrSizeMax;
        spec = FixedSize((int)size);
        return null;
    }

    private static string? Done(ChunkerSpec value, out ChunkerSpec? spec)
    {
        spec = value;
        return null;
    }
}
