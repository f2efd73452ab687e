package io.elasticmesh.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Many requests through the mesh with random budgets (up to the scripted tier's ceilings) and random scripted
 * behaviours at no per-token delay, each reply checked against {@link BudgetInvariants}.
 */
final class BudgetAdherence {

    private static final int MAX_T = 64;
    private static final int MAX_S = 32;
    private static final String[] CLOSINGS = {"yes", "split", "no"};

    /**
     * @param violations replies that broke at least one invariant
     * @param errors requests that failed (a failed request keeps no budget but breaks none either)
     * @param byInvariant how often each invariant was broken
     */
    record Result(int requests, int violations, int errors, Map<String, Integer> byInvariant) {}

    private BudgetAdherence() {}

    static Result measure(Endpoints endpoints, int requests, int concurrency, long seed) throws Exception {
        Map<String, Integer> byInvariant = new TreeMap<>();
        int[] totals = new int[2];
        ExecutorService clients = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int worker = 0; worker < concurrency; worker++) {
                Random random = new Random(seed + worker);
                int share = requests / concurrency + (worker < requests % concurrency ? 1 : 0);
                running.add(clients.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        check(endpoints, random, byInvariant, totals);
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
        return new Result(requests, totals[0], totals[1], byInvariant);
    }

    private static void check(Endpoints endpoints, Random random, Map<String, Integer> byInvariant, int[] totals) {
        var behaviour = new BudgetInvariants.Behaviour(
                random.nextInt(81), CLOSINGS[random.nextInt(3)], random.nextInt(41), random.nextInt(42) - 1);
        int t = 1 + random.nextInt(MAX_T);
        int s = 1 + random.nextInt(MAX_S);
        List<String> broken;
        try {
            broken = BudgetInvariants.violations(
                    behaviour, t, s, endpoints.mesh(endpoints.scripted(behaviour.directive(), t, s)));
        } catch (RuntimeException e) {
            synchronized (totals) {
                totals[1]++;
            }
            return;
        }
        synchronized (totals) {
            if (!broken.isEmpty()) {
                totals[0]++;
                broken.forEach(b -> byInvariant.merge(b, 1, Integer::sum));
            }
        }
    }
}
