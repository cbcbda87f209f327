namespace P2P.Fuzz.Engine;

/// <summary>What one fuzzing run did.</summary>
public sealed record FuzzResult(
    string Target,
    long Executions,
    TimeSpan Elapsed,
    int CorpusSize,
    int Features,
    bool CoverageGuided,
    IReadOnlyList<FuzzCrash> Crashes)
{
    public double ExecutionsPerSecond => Elapsed.TotalSeconds > 0 ? Executions / Elapsed.TotalSeconds : 0;
}
