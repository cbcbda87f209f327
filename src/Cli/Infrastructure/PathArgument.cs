namespace P2P.Cli.Infrastructure;

/// <summary>Checks a `CID[/path]` argument up front so a malformed CID is a usage error, not a lookup failure.</summary>
internal static class PathArgument
{
    public static void Validate(string text)
    {
        var segments = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length > 0 && segments[0] == "ipfs")
            segments = segments[1..];
        if (segments.Length == 0)
            throw new CliException($"'{text}' names no CID", ExitCodes.Usage);
        CommandRunner.ParseCid(segments[0]);
    }
}
