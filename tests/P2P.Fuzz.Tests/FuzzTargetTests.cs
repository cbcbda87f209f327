using P2P.Fuzz.Engine;
using P2P.Fuzz.Targets;

namespace P2P.Fuzz.Tests;

/// <summary>
/// What CI runs: every target for a bounded, seeded number of mutations (uninstrumented, so the feedback is
/// outcome classes and the run is deterministic), and every committed corpus and regression file replayed.
/// Long runs are scripts/fuzz.sh.
/// </summary>
public sealed class FuzzTargetTests
{
    // Roughly two seconds of work per target on this machine; the handshake targets do real crypto per input.
    private static readonly Dictionary<string, int> Executions = new(StringComparer.Ordinal)
    {
        ["handshake-hello"] = 3_000,
        ["handshake-reply"] = 1_500,
        ["handshake-finish"] = 800,
        ["peer-address"] = 3_000,
        ["repo-config"] = 3_000,
    };

    public static TheoryData<string> Targets() => [.. FuzzTargets.Names];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Run_SeededBoundedMutations_FindsNoCrash(string name)
    {
        var result = new FuzzEngine(FuzzTargets.Create(name), new FuzzOptions
        {
            Seed = 20_261_125,
            MaxExecutions = Executions.GetValueOrDefault(name, 8_000),
            CorpusDirectory = RepoPaths.Corpus(name),
            UseCoverage = false,
            HangBudget = TimeSpan.FromSeconds(5),
        }).Run();

        Assert.True(result.Crashes.Count == 0, Describe(result.Crashes));
        Assert.True(result.Features > 1, $"{name} reached only {result.Features} outcome class(es)");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Replay_CommittedCorpusAndRegressions_DoNotCrash(string name)
    {
        var directory = RepoPaths.Corpus(name);
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var crashes = new FuzzEngine(FuzzTargets.Create(name), new FuzzOptions { UseCoverage = false })
            .Replay(files.Select(File.ReadAllBytes));

        Assert.NotEmpty(files);
        Assert.True(crashes.Count == 0, Describe(crashes));
    }

    [Fact]
    public void Names_EachCreatesTargetWithThatNameAndSeeds()
    {
        foreach (var name in FuzzTargets.Names)
        {
            var target = FuzzTargets.Create(name);
            Assert.Equal(name, target.Name);
            Assert.NotEmpty(target.Seeds());
            Assert.True(Directory.Exists(RepoPaths.Corpus(name)), $"no committed corpus for {name}");
        }
    }

    private static string Describe(IReadOnlyList<FuzzCrash> crashes) =>
        string.Join("\n\n", crashes.Select(c => $"{c.Target} {c.Kind} on {Convert.ToHexString(c.Input)}:\n{c.Description}"));
}
