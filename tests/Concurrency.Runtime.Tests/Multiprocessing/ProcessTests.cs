namespace Concurrency.Runtime.Tests.Multiprocessing;

using Concurrency.Runtime.Multiprocessing;
using Process = Concurrency.Runtime.Multiprocessing.Process;

[Collection(ChildProcessCollection.Name)]
public sealed class ProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mp-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name) => Path.Combine(_dir, name);

    [Fact]
    public void A_target_with_arguments_runs_in_a_new_OS_process_whose_parent_is_this_one()
    {
        var path = File("identity");
        var child = new Process((Action<string, int, string, int[]>)Targets.WriteIdentity, new object?[] { path, 7, "seven", new[] { 1, 2, 3 } }, name: "identity");
        Assert.Null(child.Pid);
        child.Start();
        Assert.True(child.Join(Timing.Patience));

        var parts = System.IO.File.ReadAllText(path).Split(' ');
        Assert.Equal(child.Pid!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), parts[0]);
        Assert.NotEqual(Environment.ProcessId, child.Pid);
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), parts[1]);
        Assert.Equal(new[] { "identity", "7", "seven", "6" }, parts[2..]);
        Assert.Equal(0, child.ExitCode);
        Assert.Null(child.Error);
        Assert.False(child.IsAlive);
        Assert.Equal(Environment.ProcessId, child.ParentPid);
    }

    [Fact]
    public void Records_travel_as_arguments_and_lambdas_that_capture_nothing_are_targets()
    {
        var recordPath = File("record");
        var viaRecord = new Process((Action<string, Order>)Targets.WriteRecord, new object?[] { recordPath, new Order(4, "tea", 2) });
        var lambdaPath = File("lambda");
        var viaLambda = new Process((Action<string, int>)((p, n) => System.IO.File.WriteAllText(p, $"lambda {n * 2}")), new object?[] { lambdaPath, 21 });
        viaRecord.Start();
        viaLambda.Start();
        Assert.True(viaRecord.Join(Timing.Patience));
        Assert.True(viaLambda.Join(Timing.Patience));

        Assert.Equal("4:tea:2", System.IO.File.ReadAllText(recordPath));
        Assert.Equal("lambda 42", System.IO.File.ReadAllText(lambdaPath));
    }

    [Fact]
    public void A_subclass_overriding_Run_takes_its_public_state_to_the_child()
    {
        var path = File("subclass");
        var writer = new FileWriter(path, 3) { Lines = { "a", "b" } };
        writer.Start();
        Assert.True(writer.Join(Timing.Patience));

        Assert.Equal(0, writer.ExitCode);
        Assert.Equal($"writer 3 a,b {writer.Pid}", System.IO.File.ReadAllText(path));
    }

    [Fact]
    public void An_exception_in_the_child_gives_exit_code_1_and_its_type_and_message_reach_the_parent()
    {
        var child = new Process((Action<string>)Targets.Throw, new object?[] { "boom in the child" });
        child.Start();
        Assert.Null(child.Error);
        Assert.True(child.Join(Timing.Patience));

        Assert.Equal(1, child.ExitCode);
        var error = Assert.IsType<ChildProcessException>(child.Error);
        Assert.Equal("System.InvalidOperationException", error.ExceptionType);
        Assert.Equal("boom in the child", error.ChildMessage);
        Assert.Contains(nameof(Targets.Throw), error.ChildStackTrace);
        Assert.Contains(child.Name, error.Message);
    }

    [Fact]
    public void A_child_exiting_with_code_3_reports_3_and_no_error()
    {
        var child = new Process((Action<int>)Targets.ExitWith, new object?[] { 3 });
        child.Start();
        Assert.True(child.Join(Timing.Patience));

        Assert.Equal(3, child.ExitCode);
        Assert.Null(child.Error);
    }

    [Fact]
    public void Join_with_a_timeout_returns_false_while_the_child_runs_and_Terminate_ends_it_with_SIGTERM()
    {
        var child = new Process((Action<int>)Targets.Sleep, new object?[] { 60_000 });
        child.Start();
        Assert.True(child.IsAlive);
        Assert.False(child.Join(TimeSpan.FromMilliseconds(100)));
        Assert.Null(child.ExitCode);

        child.Terminate();
        Assert.True(child.Join(Timing.Patience));
        Assert.False(child.IsAlive);
        Assert.Equal(128 + 15, child.ExitCode);
    }

    [Fact]
    public void Kill_ends_the_child_with_SIGKILL()
    {
        var child = new Process((Action<int>)Targets.Sleep, new object?[] { 60_000 });
        child.Start();
        child.Kill();
        Assert.True(child.Join(Timing.Patience));
        Assert.Equal(128 + 9, child.ExitCode);
        child.Kill(); // already ended: nothing happens
        child.Terminate();
    }

    [Fact]
    public void Join_reaps_the_child_so_no_zombie_is_left()
    {
        var child = new Process(Targets.Nothing);
        child.Start();
        var pid = child.Pid!.Value;
        Assert.True(child.Join(Timing.Patience));

        Assert.False(ProcessState.IsZombie(pid), $"pid {pid} is a <defunct> zombie after Join");
        Assert.False(Directory.Exists($"/proc/{pid}"), $"pid {pid} still has a /proc entry after Join");
        Assert.Equal(0, child.ExitCode);
    }

    [Fact]
    public void Current_in_the_parent_is_MainProcess_with_this_pid_and_the_real_parent_pid()
    {
        var me = Process.Current;
        Assert.Equal("MainProcess", me.Name);
        Assert.Equal(Environment.ProcessId, me.Pid);
        Assert.True(me.IsAlive);
        var stat = System.IO.File.ReadAllText("/proc/self/stat");
        var ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(ppid, me.ParentPid);
        Assert.Throws<InvalidOperationException>(me.Start);
    }

    [Fact]
    public void A_daemon_child_knows_it_is_one_and_may_not_start_children()
    {
        var flag = File("flag");
        var daemon = new Process((Action<string>)Targets.WriteDaemonFlag, new object?[] { flag }, daemon: true);
        daemon.Start();
        Assert.True(daemon.Join(Timing.Patience));
        Assert.Equal("daemon", System.IO.File.ReadAllText(flag));

        var parent = new Process(Targets.StartGrandchild) { Daemon = true };
        parent.Start();
        Assert.True(parent.Join(Timing.Patience));
        Assert.Equal(1, parent.ExitCode);
        Assert.Contains("Daemonic processes are not allowed to have children", parent.Error!.ChildMessage);
    }

    [Fact]
    public void Bad_input_is_a_clear_error_in_the_parent_before_anything_is_spawned()
    {
        var spawnedBefore = Process.SpawnedPids().Length;
        var captured = 5;

        var capturing = Assert.Throws<ArgumentException>(() => new Process(() => Console.WriteLine(captured)));
        Assert.Equal("target", capturing.ParamName);
        Assert.Contains("captures variables", capturing.Message);
        Assert.Contains("captured", capturing.Message.Split('(')[1]);

        var instance = Assert.Throws<ArgumentException>(() => new Process(new List<int>().Clear));
        Assert.Contains("instance method", instance.Message);

        var count = Assert.Throws<ArgumentException>(() => new Process((Action<int>)Targets.Sleep, Array.Empty<object?>()));
        Assert.Equal("args", count.ParamName);

        var unsendable = new Process((Action<string>)Targets.Throw, new object?[] { 5 });
        var wrongType = Assert.Throws<ArgumentException>(unsendable.Start);
        Assert.Contains("parameter 'message'", wrongType.Message);

        var delegateArg = new Process((Action<object>)Targets.Consume, new object?[] { (Func<int>)(() => 1) });
        var notData = Assert.Throws<ArgumentException>(delegateArg.Start);
        Assert.Equal("args", notData.ParamName);
        Assert.Contains("cannot be sent to a child process", notData.Message);
        Assert.Null(delegateArg.Pid);

        var stream = new Process((Action<object>)Targets.Consume, new object?[] { new MemoryStream() });
        Assert.Throws<ArgumentException>(stream.Start);

        var state = Assert.Throws<InvalidOperationException>(new Unsendable(() => 1).Start);
        Assert.Contains("cannot be sent to a child process", state.Message);

        var notStarted = new Process(Targets.Nothing);
        Assert.Contains("not been started", Assert.Throws<InvalidOperationException>(() => notStarted.Join()).Message);
        Assert.Throws<InvalidOperationException>(notStarted.Terminate);
        Assert.Throws<ArgumentOutOfRangeException>(() => notStarted.Join(TimeSpan.FromSeconds(-1)));
        Assert.Null(notStarted.ExitCode);
        Assert.False(notStarted.IsAlive);

        Assert.Equal(spawnedBefore, Process.SpawnedPids().Length);
    }

    [Fact]
    public void Start_twice_is_a_clear_error_and_Daemon_cannot_change_after_Start()
    {
        var child = new Process(Targets.Nothing);
        child.Start();
        Assert.Contains("only be started once", Assert.Throws<InvalidOperationException>(child.Start).Message);
        Assert.Throws<InvalidOperationException>(() => child.Daemon = true);
        Assert.True(child.Join(Timing.Patience));
    }

    [Fact]
    public void A_program_without_the_guard_gets_an_error_naming_the_line_to_add()
    {
        var (code, output) = RunHost("no-guard");
        Assert.Equal(3, code);
        Assert.Contains("Concurrency.Runtime.Multiprocessing.Process.EnterChildIfRequested();", output);
        Assert.Contains("first statement of Main", output);
    }

    [Fact]
    [Trait("Category", "Stress")]
    public void A_daemon_child_is_gone_within_2_seconds_after_its_parent_is_killed_with_SIGKILL()
    {
        var marker = File("daemon-pid");
        using var parent = StartHost("daemon-parent", marker);
        Assert.True(ProcessState.WaitUntil(() => System.IO.File.Exists(marker), Timing.Patience), "the parent never reported its daemon child");
        var daemonPid = int.Parse(System.IO.File.ReadAllText(marker), System.Globalization.CultureInfo.InvariantCulture);
        ChildProcessFixture.Track(daemonPid);
        Assert.True(ProcessState.IsRunning(daemonPid));

        parent.Kill();
        parent.WaitForExit();
        RemoveRuntimeDirectoryOf(parent.Id);

        Assert.True(ProcessState.WaitUntil(() => !ProcessState.IsRunning(daemonPid), TimeSpan.FromSeconds(2)), $"daemon {daemonPid} still runs 2 s after its parent was killed");
    }

    [Fact]
    [Trait("Category", "Stress")]
    public void A_non_daemon_child_of_a_killed_parent_lives_on_as_an_orphan_adopted_by_another_process()
    {
        var marker = File("orphan");
        using var parent = StartHost("orphan-parent", marker);
        Assert.True(ProcessState.WaitUntil(() => System.IO.File.Exists(marker), Timing.Patience));
        var before = System.IO.File.ReadAllText(marker).Split(' ');
        var orphanPid = int.Parse(before[0], System.Globalization.CultureInfo.InvariantCulture);
        ChildProcessFixture.Track(orphanPid);
        Assert.Equal(parent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), before[1]);

        parent.Kill();
        parent.WaitForExit();
        RemoveRuntimeDirectoryOf(parent.Id);
        try
        {
            Assert.True(ProcessState.WaitUntil(() => System.IO.File.ReadAllText(marker).Split(' ')[1] != before[1], TimeSpan.FromSeconds(3)), "the orphan's parent pid never changed");
            Assert.True(ProcessState.IsRunning(orphanPid), "the orphan should still run");
        }
        finally
        {
            System.Diagnostics.Process.GetProcessById(orphanPid).Kill();
        }
    }

    private static System.Diagnostics.Process StartHost(params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo(ChildProcessFixture.HostPath) { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = System.Diagnostics.Process.Start(info)!;
        ChildProcessFixture.Track(process.Id);
        return process;
    }

    /// <summary>A killed parent cannot delete its private runtime directory (documented); the test does.</summary>
    private static void RemoveRuntimeDirectoryOf(int pid)
    {
        foreach (var dir in Directory.GetDirectories("/tmp", $"concurrency-mp-{pid}-*").Concat(Directory.GetDirectories(Path.GetTempPath(), $"concurrency-mp-{pid}-*")).Distinct())
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (int Code, string Output) RunHost(params string[] args)
    {
        using var process = StartHost(args);
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(Timing.Patience));
        return (process.ExitCode, output);
    }
}
