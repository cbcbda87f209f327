using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>A block a pin needs that the store no longer holds (or that no longer decodes), and the pin that needs it.</summary>
public sealed record MissingBlock(Cid Block, Cid Pin, string Reason)
{
    public override string ToString() => $"{Block} (under pin {Pin}): {Reason}";
}
