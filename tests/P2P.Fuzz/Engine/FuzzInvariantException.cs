namespace P2P.Fuzz.Engine;

/// <summary>A decoder accepted an input but broke one of its own promises (round trip, error contract).</summary>
public sealed class FuzzInvariantException : Exception
{
    public FuzzInvariantException()
    {
    }

    public FuzzInvariantException(string message)
        : base(message)
    {
    }

    public FuzzInvariantException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
