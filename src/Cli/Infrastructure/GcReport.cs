namespace P2P.Cli.Infrastructure;

/// <summary>
/// The part of `repo gc` output about the pack's health, the same whether gc ran here or in the daemon: records
/// repaired, damage found (exit 5, as verify), pinned blocks lost (exit 5), or too little space to finish (exit 1,
/// saying how much is needed).
/// </summary>
internal static class GcReport
{
    public static int Print(Output output, IEnumerable<string> repaired, IEnumerable<string> damaged, IEnumerable<string> missing, string? shortfall)
    {
        foreach (var r in repaired)
            output.Write($"repaired {r}", new { Msg = "repaired", Detail = r });
        var problems = 0;
        foreach (var d in damaged)
        {
            output.Write($"damaged {d}", new { Msg = "damaged", Detail = d });
            problems++;
        }
        foreach (var m in missing)
        {
            output.Write($"missing block {m}", new { Msg = "missing", Block = m });
            problems++;
        }
        if (problems > 0)
        {
            Console.Error.WriteLine($"Error: gc found {problems} problems in the repo; every record around them was kept (see `p2p repo verify`)");
            return ExitCodes.Corrupt;
        }
        if (shortfall is not null)
        {
            Console.Error.WriteLine($"Error: gc could not give back all space: {shortfall}");
            return ExitCodes.Error;
        }
        return ExitCodes.Ok;
    }
}
