namespace P2P.Fuzz.Engine;

/// <summary>
/// One decoder under fuzz. <see cref="Execute"/> feeds it one input and returns a short outcome label; the
/// target itself catches the exception types its decoder documents (a clean rejection), so anything that
/// escapes <see cref="Execute"/> is a crash by definition. Broken round-trip or contract properties are
/// reported with <see cref="FuzzInvariantException"/>.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>Lower-case name used on the command line and as the corpus folder name.</summary>
    string Name { get; }

    /// <summary>Inputs longer than this are truncated by the mutator; a little above the decoder's own cap.</summary>
    int MaxInputLength { get; }

    /// <summary>Runs one input; returns an outcome label such as <c>ok Ping</c> or <c>rejected: …</c>.</summary>
    string Execute(ReadOnlySpan<byte> input);

    /// <summary>Valid (or nearly valid) inputs built with the project's own encoders.</summary>
    IEnumerable<byte[]> Seeds();

    /// <summary>Tokens the mutator splices in: magic bytes, prefixes, keywords.</summary>
    IReadOnlyList<byte[]> Dictionary { get; }
}
