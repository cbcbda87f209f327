using P2P.Fuzz.Engine;

namespace P2P.Fuzz.Tests;

/// <summary>The engine itself: it must find a planted bug, keep runs reproducible, and respect its limits.</summary>
public sealed class FuzzEngineTests
{
    /// <summary>Crashes with an IndexOutOfRangeException on inputs starting "FUZ" and longer than 4 bytes.</summary>
    private sealed class PlantedBugTarget : IFuzzTarget
    {
        private static readonly int[] Slots = [0];

        public string Name => "planted";

        public int MaxInputLength => 16;

        public IReadOnlyList<byte[]> Dictionary { get; } = [];

        public string Execute(ReadOnlySpan<byte> input)
        {
            if (input.Length > 0 && input[0] == 'F')
            {
                if (input.Length > 1 && input[1] == 'U')
                {
                    if (input.Length > 2 && input[2] == 'Z')
                        return input.Length > 4 ? Slots[input.Length].ToString() : "fuz";
                    return "fu";
                }
                return "f";
            }
            return input.Length > 8 ? "long" : "short";
        }

        public IEnumerable<byte[]> Seeds() => [[0]];
    }

    [Fact]
    public void Run_PlantedBug_FoundThroughOutcomeFeedback()
    {
        var crashes = new FuzzEngine(new PlantedBugTarget(), new FuzzOptions { Seed = 3, MaxExecutions = 200_000, UseCoverage = false }).Run().Crashes;

        var crash = Assert.Single(crashes);
        Assert.Equal("crash", crash.Kind);
        Assert.StartsWith("FUZ", System.Text.Encoding.ASCII.GetString(crash.Input), StringComparison.Ordinal);
        Assert.Contains(nameof(IndexOutOfRangeException), crash.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_SameSeed_SameCorpusAndExecutions()
    {
        FuzzResult Once() => new FuzzEngine(new Targets.MultihashTarget(), new FuzzOptions { Seed = 9, MaxExecutions = 3_000, UseCoverage = false }).Run();

        var a = Once();
        var b = Once();

        Assert.Equal(a.Executions, b.Executions);
        Assert.Equal(a.CorpusSize, b.CorpusSize);
        Assert.Equal(a.Features, b.Features);
    }

    [Fact]
    public void Run_CrashDirectory_SavesCrashingInput()
    {
        var dir = Path.Combine(Path.GetTempPath(), "p2p-fuzz-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var crashes = new FuzzEngine(new PlantedBugTarget(), new FuzzOptions { Seed = 3, MaxExecutions = 200_000, UseCoverage = false, CrashDirectory = dir }).Run().Crashes;

            var saved = Assert.Single(Directory.GetFiles(dir));
            Assert.Equal(crashes[0].SavedPath, saved);
            Assert.Equal(crashes[0].Input, File.ReadAllBytes(saved));
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Mutate_ManyRounds_RespectsMaxLength()
    {
        var mutator = new Mutator(new Random(5), [[1, 2, 3]]);
        byte[] input = [1, 2, 3, 4, 5, 6, 7, 8];
        for (var i = 0; i < 10_000; i++)
        {
            input = mutator.Mutate(input, [input, [9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]], 12);
            Assert.True(input.Length <= 12);
        }
    }

    [Fact]
    public void Normalise_NumbersAndQuotedText_Folded()
    {
        Assert.Equal(FuzzEngine.Normalise("'abc' is 12 bytes"), FuzzEngine.Normalise("'xyz9' is 345 bytes"));
        Assert.NotEqual(FuzzEngine.Normalise("rejected: too long"), FuzzEngine.Normalise("rejected: too short"));
    }
}
