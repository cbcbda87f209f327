namespace P2P.Node.Storage;

/// <summary>kubo's two explicit pin kinds (blocks below a recursive pin are "indirect", never stored as pins).</summary>
public enum PinKind
{
    /// <summary>Keeps the block itself only.</summary>
    Direct,

    /// <summary>Keeps the block and everything reachable from it.</summary>
    Recursive,
}
