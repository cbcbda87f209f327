using P2P.Node.Errors;

namespace P2P.Node.Hosting;

/// <summary>
/// The one sentence for a command stopped by <c>--timeout</c>, built here so the CLI (offline, or when its own
/// timer fires first) and the daemon (the API's <c>timeout</c>) say the same thing. Blocks fetched before the
/// timeout stay in the repo, and a fetch never asks for a block it holds, so running the command again resumes.
/// </summary>
public static class FetchTimeout
{
    public static P2PException Exception(TimeSpan timeout) =>
        new(ErrorKind.Unavailable,
            $"timed out after {GoDuration.Format(timeout)}; the blocks fetched so far are kept: run the command again to resume");
}
