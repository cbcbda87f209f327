namespace P2P.Node.Tests.Limits;

/// <summary>
/// The storm runs alone, after the parallel tests: a hundred clients' threads and handshakes would otherwise slow
/// timing-sensitive tests in other classes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StormCollection
{
    public const string Name = "connection storm";
}
