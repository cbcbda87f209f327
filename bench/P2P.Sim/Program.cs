using P2P.Sim;

var settings = SimSettings.Parse(args, out var error);
if (settings is null)
{
    if (error is not null) Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine(SimSettings.Usage);
    return error is null ? 0 : 2;
}
var report = new Runner(settings).Run();
Console.WriteLine(report.ToTable(settings));
return 0;
