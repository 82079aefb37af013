using Concurrency.Runtime.Multiprocessing;
using Concurrency.Runtime.ChildHost;

// The program is started three ways: by the runtime as a child (the guard runs the target and
// exits), by a test as a parent scenario (the arguments name it), or with "no-guard" to show the
// error a program without the guard gets.
if (args is ["no-guard"])
{
    return Scenarios.StartWithoutGuard();
}

Process.EnterChildIfRequested();

return args switch
{
    ["daemon-parent", var marker] => Scenarios.DaemonParent(marker),
    ["orphan-parent", var marker] => Scenarios.OrphanParent(marker),
    _ => Scenarios.Usage(),
};
