namespace P2P.Fuzz.Engine;

/// <summary>An input that crashed, hung or over-allocated in a target, and where it was saved (if anywhere).</summary>
public sealed record FuzzCrash(string Target, string Kind, byte[] Input, string Description, string? SavedPath);
