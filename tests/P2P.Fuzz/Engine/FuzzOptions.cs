namespace P2P.Fuzz.Engine;

/// <summary>Knobs for one <see cref="FuzzEngine"/> run. A run stops at whichever limit comes first.</summary>
public sealed record FuzzOptions
{
    /// <summary>Seeds the mutator; the same seed, corpus and limit give the same run (without coverage).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Stop after this many executions (null: no limit).</summary>
    public long? MaxExecutions { get; init; }

    /// <summary>Stop after this long (null: no limit).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Extra seed files (every file in this folder); the target's built-in seeds are always used.</summary>
    public string? CorpusDirectory { get; init; }

    /// <summary>Where inputs that found something new are written (null: kept in memory only).</summary>
    public string? CorpusOutputDirectory { get; init; }

    /// <summary>Where crashing inputs are written as <c>&lt;kind&gt;-&lt;hash&gt;</c> (null: not written).</summary>
    public string? CrashDirectory { get; init; }

    /// <summary>One execution taking longer than this is a hang.</summary>
    public TimeSpan HangBudget { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>One execution allocating more than this many bytes is a crash (decoders must check lengths first).</summary>
    public long AllocationBudget { get; init; } = 64L * 1024 * 1024;

    /// <summary>Kill the process from a watchdog when an execution exceeds the hang budget (command line only).</summary>
    public bool ExitOnHang { get; init; }

    /// <summary>Use SharpFuzz edge coverage when the target assembly is instrumented.</summary>
    public bool UseCoverage { get; init; } = true;

    /// <summary>Progress lines go here (null: silent).</summary>
    public TextWriter? Log { get; init; }
}
