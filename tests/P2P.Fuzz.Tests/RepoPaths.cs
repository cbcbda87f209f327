namespace P2P.Fuzz.Tests;

/// <summary>Finds the committed corpus from the test's output folder (the repository root holds P2P.sln).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Corpus(string target) => Path.Combine(Root, "tests", "fuzz-corpus", target);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "P2P.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("P2P.sln not found above " + AppContext.BaseDirectory);
    }
}
